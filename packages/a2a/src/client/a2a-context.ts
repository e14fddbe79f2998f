/**
 * `ctx.a2a(agent, options?)`, added to every workflow's ctx when @baton/a2a is imported: a remote
 * A2A agent called from a workflow. `send` is one journaled step followed durably until the remote
 * task is settled (see remote-task.ts); `get` and `cancel` are one step each. A `failed` or
 * `rejected` task raises BATON_A2A_TASK_FAILED unless `throwOnFailure: false` asks for the result.
 */
import type { ExtensionServices, WorkflowContext } from '@baton/core';
import type { AgentCardCache } from './agent-connection.js';
import { partsOf, userMessage, type A2aMessageInput } from './message-input.js';
import { RemoteAgent, taskFailed, type RemoteAgentOptions } from './remote-task.js';
import type { A2aArtifact, A2aMessage, A2aPart, A2aTask, A2aTaskState } from './wire-shape.js';

export type A2aAgentOptions = RemoteAgentOptions;

export interface A2aSendOptions {
  /** Continues this task (e.g. answers an `input-required` task). */
  taskId?: string;
  /** The conversation the message belongs to. */
  contextId?: string;
  /** Names the steps (`a2a:<name>:send`, `a2a:<name>:poll`); default `a2a:send`… */
  name?: string;
  /** A `failed` or `rejected` task raises BATON_A2A_TASK_FAILED (default true); false returns it as a result. */
  throwOnFailure?: boolean;
  /** Sent as the message's metadata. */
  metadata?: Record<string, unknown>;
}

/** What a remote agent answered: the task's state and what it produced. */
export interface A2aResult {
  /** The remote task (absent when the agent answered with a message and no task). */
  taskId?: string;
  contextId?: string;
  /** The task's state; `completed` for an answer without a task. */
  state: A2aTaskState;
  /** The text of the task's artifacts, else of its status message (joined by newlines). */
  text: string;
  /** The first data part of the task's artifacts, else of its status message. */
  data?: unknown;
  artifacts: A2aArtifact[];
  /** The agent's latest message (for `input-required`, its question). */
  message?: A2aMessage;
  /** The task as A2A v0.3's JSON writes it. */
  task?: A2aTask;
}

export interface A2aAgent {
  /** Sends a message and waits, durably, until the task is finished or needs input. */
  send(message: A2aMessageInput, options?: A2aSendOptions): Promise<A2aResult>;
  /** The task as it is now (one step). */
  get(taskId: string, options?: { name?: string; throwOnFailure?: boolean }): Promise<A2aResult>;
  /** Asks the agent to cancel the task (one step); an agent that refuses raises BATON_A2A_REMOTE_ERROR. */
  cancel(taskId: string, options?: { name?: string }): Promise<A2aResult>;
}

declare module '@baton/core' {
  interface WorkflowContext {
    /** A remote A2A agent, by its agent card URL or base URL: every call to it is journaled. */
    a2a(agent: string, options?: A2aAgentOptions): A2aAgent;
  }
}

const texts = (parts: A2aPart[]): string[] => parts.flatMap((part) => (part.kind === 'text' ? [part.text] : []));
const firstData = (parts: A2aPart[]): unknown => parts.find((part) => part.kind === 'data')?.data;

/** The result a workflow reads, from a task or a message. */
export function resultOf(answer: A2aTask | A2aMessage): A2aResult {
  if (answer.kind === 'message') {
    const result: A2aResult = { state: 'completed', text: texts(answer.parts).join('\n'), artifacts: [], message: answer };
    if (answer.taskId !== undefined) result.taskId = answer.taskId;
    if (answer.contextId !== undefined) result.contextId = answer.contextId;
    const data = firstData(answer.parts);
    if (data !== undefined) result.data = data;
    return result;
  }
  const artifacts = answer.artifacts ?? [];
  const artifactParts = artifacts.flatMap((artifact) => artifact.parts);
  const messageParts = answer.status.message?.parts ?? [];
  const artifactTexts = texts(artifactParts);
  const result: A2aResult = {
    taskId: answer.id,
    contextId: answer.contextId,
    state: answer.status.state,
    text: (artifactTexts.length > 0 ? artifactTexts : texts(messageParts)).join('\n'),
    artifacts,
    task: answer,
  };
  const data = firstData(artifactParts) ?? firstData(messageParts);
  if (data !== undefined) result.data = data;
  if (answer.status.message !== undefined) result.message = answer.status.message;
  return result;
}

function checked(ctx: WorkflowContext, agent: string, answer: A2aTask | A2aMessage, throwOnFailure: boolean | undefined): A2aResult {
  const result = resultOf(answer);
  if (answer.kind === 'task' && throwOnFailure !== false && (result.state === 'failed' || result.state === 'rejected')) {
    throw taskFailed(agent, answer, result.text, ctx.runId);
  }
  return result;
}

const stepBase = (name: string | undefined): string => (name === undefined ? 'a2a' : `a2a:${name}`);

function agentOf(ctx: WorkflowContext, services: ExtensionServices, cache: AgentCardCache) {
  return (agent: string, options: A2aAgentOptions = {}): A2aAgent => {
    const remote = new RemoteAgent(ctx, { cache, clock: services.clock }, { card: agent }, options);
    return {
      async send(message, sendOptions = {}) {
        const parts = partsOf(message);
        const ids = { taskId: sendOptions.taskId, contextId: sendOptions.contextId };
        const answer = await remote.send(
          `${stepBase(sendOptions.name)}:send`,
          (messageId) => ({
            tenant: '',
            message: userMessage(parts, { messageId, ...ids }, sendOptions.metadata === undefined ? {} : { metadata: sendOptions.metadata }),
            configuration: undefined,
            metadata: undefined,
          }),
          { agent, message, ...(ids.taskId === undefined ? {} : { taskId: ids.taskId }), ...(ids.contextId === undefined ? {} : { contextId: ids.contextId }) },
        );
        return checked(ctx, agent, answer, sendOptions.throwOnFailure);
      },
      async get(taskId, getOptions = {}) {
        return checked(ctx, agent, await remote.get(`${stepBase(getOptions.name)}:get`, taskId), getOptions.throwOnFailure);
      },
      async cancel(taskId, cancelOptions = {}) {
        return resultOf(await remote.cancel(`${stepBase(cancelOptions.name)}:cancel`, taskId));
      },
    };
  };
}

/** The context extension: `ctx.a2a`, sharing one agent card cache per process. */
export function a2aContext(cache: AgentCardCache) {
  return (ctx: WorkflowContext, services: ExtensionServices): Record<string, unknown> => ({ a2a: agentOf(ctx, services, cache) });
}
