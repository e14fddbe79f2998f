/** The A2A client: `ctx.a2a(agent)` and the journaled remote-agent operations the DSL's `call: a2a` uses. */
export { remoteAgent } from './process-agents.js';
export { a2aContext, resultOf } from './a2a-context.js';
export type { A2aAgent, A2aAgentOptions, A2aResult, A2aSendOptions } from './a2a-context.js';
export { AgentCardCache, AGENT_CARD_TTL_MS } from './agent-connection.js';
export type { AgentConnectionOptions, AgentTarget } from './agent-connection.js';
export { A2aClientErrorCode } from './client-errors.js';
export { messageFromWire, partsOf } from './message-input.js';
export type { A2aMessageInput } from './message-input.js';
export { DEFAULT_FOLLOW, RemoteAgent, taskFailed } from './remote-task.js';
export type { FollowOptions, RemoteAgentOptions, RemoteAgentServices, SendRequestBuilder } from './remote-task.js';
export { A2aTaskState, FINAL_STATES, INTERRUPTED_STATES, isSettled } from './wire-shape.js';
export type { A2aArtifact, A2aMessage, A2aPart, A2aStreamEvent, A2aTask, A2aTaskStatus } from './wire-shape.js';
