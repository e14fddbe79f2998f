/**
 * The journaled operations on a remote agent, shared by `ctx.a2a(...)` and the DSL's `call: a2a`.
 * A send is one step whose message id is the step's idempotency key (run id and position), so a
 * retried attempt sends the same id and an agent that dedupes makes one task; once journaled it is
 * never sent again. A task that is not settled when the step ends is followed durably: polls
 * (`tasks/get`), each a step, between durable sleeps that double up to a bound, so the run waits
 * holding no worker. When the run is cancelled or fails meanwhile, the send's compensation cancels
 * the remote task (best effort: an agent that refuses is left as it is).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { SendMessageRequest } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { BatonError, errorMessage, isBatonError, type Clock, type RetryPolicy, type StepInfo, type WorkflowContext } from '@baton/core';
import { A2aClientErrorCode } from './client-errors.js';
import { agentName, connectAgent, remoteCall, type AgentCardCache, type AgentConnectionOptions, type AgentTarget } from './agent-connection.js';
import { FINAL_STATES, isSettled, sendResultToWire, streamEventToWire, taskToWire, type A2aMessage, type A2aStreamEvent, type A2aTask } from './wire-shape.js';

/** How a task that is not settled is followed. */
export interface FollowOptions {
  /** Polls inside the send step for up to this long before the run sleeps, so quick agents answer at once. Default 2000 ms; 0 turns it off. */
  inStepWaitMs?: number;
  /** The first durable sleep between polls; each next one doubles. Default 1000 ms. */
  firstDelayMs?: number;
  /** The longest sleep between polls. Default 60 000 ms. */
  maxDelayMs?: number;
}

export const DEFAULT_FOLLOW: Required<FollowOptions> = { inStepWaitMs: 2000, firstDelayMs: 1000, maxDelayMs: 60_000 };

export interface RemoteAgentOptions extends AgentConnectionOptions, FollowOptions {
  /** The retry policy of each step (sends and polls); default the step's (3 attempts). */
  retry?: RetryPolicy;
}

/** What the operations need besides ctx: the process's card cache and the engine's clock. */
export interface RemoteAgentServices {
  readonly cache: AgentCardCache;
  readonly clock: Clock;
}

/** Builds the request of a send; `messageId` is the step's idempotency key. */
export type SendRequestBuilder = (messageId: string) => SendMessageRequest;

export class RemoteAgent {
  readonly #follow: Required<FollowOptions>;

  constructor(
    private readonly ctx: WorkflowContext,
    private readonly services: RemoteAgentServices,
    readonly target: AgentTarget,
    private readonly options: RemoteAgentOptions = {},
  ) {
    this.#follow = {
      inStepWaitMs: options.inStepWaitMs ?? DEFAULT_FOLLOW.inStepWaitMs,
      firstDelayMs: options.firstDelayMs ?? DEFAULT_FOLLOW.firstDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_FOLLOW.maxDelayMs,
    };
  }

  get name(): string {
    return agentName(this.target);
  }

  #client(): Promise<Client> {
    return connectAgent(this.target, this.options, this.services.cache, this.services.clock.now());
  }

  #retry(): { retry?: RetryPolicy } {
    return this.options.retry === undefined ? {} : { retry: this.options.retry };
  }

  /**
   * message/send as one step (`input` is what the journal shows of it), then, when `follow` and
   * the answer is a task that is not settled, the task followed until it is. A reply to a task that
   * waits for input is answered at first with the task as it was (still `input-required`): the
   * task's status before the send is kept, and a task still showing it is not settled yet.
   */
  async send(stepName: string, build: SendRequestBuilder, input: unknown, follow = true): Promise<A2aTask | A2aMessage> {
    const outcome = await this.ctx.step(
      stepName,
      async (info): Promise<SendOutcome> => {
        const client = await this.#client();
        const request = build(info.idempotencyKey);
        request.configuration = { acceptedOutputModes: [], taskPushNotificationConfig: undefined, ...request.configuration, returnImmediately: true };
        const continued = request.message?.taskId ?? '';
        const prior = continued === '' ? undefined : statusKey(await this.#getTask(client, continued, info.signal));
        const answer = sendResultToWire(await remoteCall(`the message sent to ${this.name}`, () => client.sendMessage(request, { signal: info.signal })));
        if (answer.kind !== 'task' || !follow) return prior === undefined ? { answer } : { answer, prior };
        const waited = await this.#waitBriefly(client, answer, prior, info.signal);
        return prior === undefined ? { answer: waited } : { answer: waited, prior };
      },
      {
        input,
        journalAtOnce: true,
        ...this.#retry(),
        compensate: (result: SendOutcome, info: StepInfo<SendOutcome>) => this.#cancelOnUndo(result.answer, info),
      },
    );
    const { answer, prior } = outcome;
    if (answer.kind !== 'task' || !follow) return answer;
    return this.follow(`${stepName} poll`, answer, prior);
  }

  /** Polls `task` (steps named `stepName`) between durable sleeps until it is settled (see `send` for `prior`). */
  async follow(stepName: string, task: A2aTask, prior?: string): Promise<A2aTask> {
    let current = task;
    let wait = this.#follow.firstDelayMs;
    while (!settled(current, prior)) {
      await this.ctx.sleep(wait);
      wait = Math.min(wait * 2, this.#follow.maxDelayMs);
      const id = current.id;
      current = await this.ctx.step(stepName, async (info) => this.#getTask(await this.#client(), id, info.signal), {
        input: { taskId: id },
        ...this.#retry(),
      });
    }
    return current;
  }

  /** tasks/get as one step. */
  get(stepName: string, taskId: string, historyLength?: number): Promise<A2aTask> {
    return this.ctx.step(stepName, async (info) => this.#getTask(await this.#client(), taskId, info.signal, historyLength), {
      input: { taskId, ...(historyLength === undefined ? {} : { historyLength }) },
      ...this.#retry(),
    });
  }

  /** tasks/cancel as one step. */
  cancel(stepName: string, taskId: string): Promise<A2aTask> {
    return this.ctx.step(
      stepName,
      async (info) => {
        const client = await this.#client();
        return taskToWire(
          await remoteCall(`cancelling the task ${taskId}`, () => client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, { signal: info.signal })),
        );
      },
      { input: { taskId }, ...this.#retry() },
    );
  }

  /** message/stream (a request) or tasks/resubscribe (a task id) as one step: every event, in order. */
  stream(stepName: string, what: { send: SendRequestBuilder } | { taskId: string }, input: unknown): Promise<A2aStreamEvent[]> {
    return this.ctx.step(
      stepName,
      async (info) => {
        const client = await this.#client();
        const events: A2aStreamEvent[] = [];
        const source =
          'send' in what
            ? client.sendMessageStream(what.send(info.idempotencyKey), { signal: info.signal })
            : client.resubscribeTask({ tenant: '', id: what.taskId }, { signal: info.signal });
        await remoteCall(`the stream of ${this.name}`, async () => {
          for await (const event of source) {
            const wire = streamEventToWire(event);
            if (wire !== undefined) events.push(wire);
          }
        });
        return events;
      },
      { input, journalAtOnce: true, ...this.#retry() },
    );
  }

  async #getTask(client: Client, taskId: string, signal: AbortSignal, historyLength?: number): Promise<A2aTask> {
    const task = await remoteCall(`reading the task ${taskId}`, () =>
      client.getTask({ tenant: '', id: taskId, ...(historyLength === undefined ? {} : { historyLength }) }, { signal }),
    );
    return taskToWire(task);
  }

  /** Polls inside the send step a short while, so an agent that answers quickly costs no sleep. */
  async #waitBriefly(client: Client, task: A2aTask, prior: string | undefined, signal: AbortSignal): Promise<A2aTask> {
    let current = task;
    let spent = 0;
    let pause = 50;
    while (!settled(current, prior) && spent < this.#follow.inStepWaitMs) {
      await delay(pause, undefined, { signal });
      spent += pause;
      pause = Math.min(pause * 2, 500);
      current = await this.#getTask(client, current.id, signal);
    }
    return current;
  }

  /** The send's compensation: cancels its task unless it had ended when sent; a refusal is recorded, not raised. */
  async #cancelOnUndo(result: A2aTask | A2aMessage, info: StepInfo<unknown>): Promise<{ taskId: string; cancelled: boolean; reason?: string } | null> {
    if (result.kind !== 'task' || ['completed', 'failed', 'canceled', 'rejected'].includes(result.status.state)) return null;
    try {
      const client = await this.#client();
      await remoteCall(`cancelling the task ${result.id}`, () =>
        client.cancelTask({ tenant: '', id: result.id, metadata: undefined }, { signal: info.signal }),
      );
      return { taskId: result.id, cancelled: true };
    } catch (error) {
      // The task ended meanwhile, or the agent cannot cancel it: nothing more to undo.
      if (isBatonError(error) && error.code === A2aClientErrorCode.RemoteError) return { taskId: result.id, cancelled: false, reason: errorMessage(error) };
      throw error;
    }
  }
}

/** What the send step journals: the answer, and the status the continued task had before (see `send`). */
interface SendOutcome {
  answer: A2aTask | A2aMessage;
  prior?: string;
}

/** A task's status, enough to tell a new one from the one before. */
function statusKey(task: A2aTask): string {
  return JSON.stringify([task.status.state, task.status.timestamp ?? '', task.status.message?.messageId ?? '']);
}

/** Settled, and not the status it had before the reply that was sent to it. */
function settled(task: A2aTask, prior: string | undefined): boolean {
  if (!isSettled(task.status.state)) return false;
  return prior === undefined || FINAL_STATES.includes(task.status.state) || statusKey(task) !== prior;
}

/** A failed or rejected task as BATON_A2A_TASK_FAILED. */
export function taskFailed(agent: string, task: A2aTask, text: string, runId: string): BatonError {
  return new BatonError(
    A2aClientErrorCode.TaskFailed,
    `The task ${task.id} of the agent ${agent} ended ${task.status.state}${text === '' ? '' : `: ${text}`} (run ${runId}).`,
    { retryable: false, runId, details: { taskId: task.id, contextId: task.contextId, state: task.status.state, text, task } },
  );
}
