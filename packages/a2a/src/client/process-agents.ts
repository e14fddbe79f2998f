/**
 * The process's A2A client state: one agent card cache shared by every run on this worker (cards
 * are fetched again after AGENT_CARD_TTL_MS), behind `ctx.a2a` and behind `remoteAgent`, which the
 * DSL's `call: a2a` uses for the protocol's own methods and shapes.
 */
import { systemClock, type WorkflowContext } from '@baton/core';
import { a2aContext } from './a2a-context.js';
import { AgentCardCache, type AgentTarget } from './agent-connection.js';
import { RemoteAgent, type RemoteAgentOptions } from './remote-task.js';

const cards = new AgentCardCache();

/** The context extension registered by importing @baton/a2a. */
export const a2aExtension = a2aContext(cards);

/** The journaled operations on one remote agent, for this run. */
export function remoteAgent(ctx: WorkflowContext, target: AgentTarget, options: RemoteAgentOptions = {}): RemoteAgent {
  return new RemoteAgent(ctx, { cache: cards, clock: systemClock }, target, options);
}
