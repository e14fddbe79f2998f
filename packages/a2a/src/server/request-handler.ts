/**
 * `BatonRequestHandler`: the SDK's `DefaultRequestHandler` with Baton's side of each request done
 * first. A new message starts a run of the skill it names (its id made from the messageId, so a resent
 * message finds the run it started); a message to a task whose run waits for a signal sends that
 * signal; `tasks/cancel` cancels the run. Input the run or the signal refuses is an A2A error and
 * changes nothing. Everything else (events, streams, task reads) is the SDK's, over `RunTaskStore`
 * and `RunExecutor`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TaskState, type AgentCard, type Message, type Task } from '@a2a-js/sdk';
import type {
  CancelTaskRequest,
  DeleteTaskPushNotificationConfigRequest,
  GetExtendedAgentCardRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTaskPushNotificationConfigsResponse,
  ListTasksRequest,
  ListTasksResponse,
  SendMessageRequest,
  StreamResponse,
  SubscribeToTaskRequest,
  TaskPushNotificationConfig,
} from '@a2a-js/sdk';
import { RequestMalformedError, TaskNotFoundError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import { DefaultExecutionEventBusManager, DefaultRequestHandler, type A2ARequestHandler, type ServerCallContext } from '@a2a-js/sdk/server';
import { BatonError, ErrorCode, isBatonError, isTerminalStatus, WorkflowRegistry, type AnyWorkflow, type Client, type RunInfo } from '@baton/core';
import type { z } from 'zod';
import { buildAgentCard, type AgentCardOptions } from './agent-card.js';
import { clientOf, markSignalled, scopeOf } from './call-context.js';
import { chooseSkill, messageValue, metadataString } from './message-input.js';
import { RunExecutor } from './run-executor.js';
import { pendingSignal, type PendingSignals } from './pending-signal.js';
import { latestRun } from './run-chain.js';
import { RunTaskStore } from './run-task-store.js';
import { A2A_TAG, CONTEXT_TAG_PREFIX, contextIdOf, waitedSignals } from './task-view.js';

export interface A2aServerOptions {
  /** Starts, reads, signals and cancels runs (a request's acting client is used when its context has one). */
  client: Client;
  /** The workflows this process knows (an engine's `engine.workflows`, or a list). */
  workflows: WorkflowRegistry | readonly AnyWorkflow[];
  /** The names of the workflows offered as skills; default every current workflow but Baton's own. */
  skills?: readonly string[];
  /** The agent card's name, description, URL and examples. */
  card: AgentCardOptions;
  /** How long `tasks/cancel` waits for the run to end (its compensations run first); default 30 000 ms. */
  cancelWaitMs?: number;
  /**
   * The store the client uses, read for the signals a run has not taken up yet: a task answered
   * and not yet resumed shows `working`, and a second reply to it is refused. Without it a task shows
   * `input-required` until its run resumes.
   */
  store?: PendingSignals;
}

/** Longest contextId kept on a run (as a tag of at most 100 characters). */
const MAX_CONTEXT_ID = 100 - CONTEXT_TAG_PREFIX.length;

export class BatonRequestHandler implements A2ARequestHandler {
  readonly card: AgentCard;
  readonly #inner: DefaultRequestHandler;
  readonly #client: Client;
  readonly #registry: WorkflowRegistry;
  readonly #skills: Map<string, AnyWorkflow>;
  readonly #store: RunTaskStore;
  readonly #cancelWaitMs: number;
  readonly #executor: RunExecutor;
  readonly #signals: PendingSignals | undefined;

  constructor(options: A2aServerOptions) {
    this.#client = options.client;
    this.#registry = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows);
    this.#skills = chooseWorkflows(this.#registry, options.skills);
    this.#cancelWaitMs = options.cancelWaitMs ?? 30_000;
    this.card = buildAgentCard([...this.#skills.values()], options.card);
    this.#signals = options.store;
    this.#store = new RunTaskStore(this.#client, this.#registry, options.store);
    this.#executor = new RunExecutor(this.#client, this.#registry);
    this.#inner = new DefaultRequestHandler(
      this.card,
      this.#store,
      this.#executor,
      new DefaultExecutionEventBusManager(),
      undefined,
      undefined,
      undefined,
      undefined,
      // An execution ends with its run's wait for a signal; the reply starts a new one.
      { keepBusAliveStates: [] },
    );
  }

  /** Stops following runs for the requests still open (the server closes); the runs go on. */
  close(): void {
    this.#executor.close();
  }

  getAgentCard(): Promise<AgentCard> {
    return Promise.resolve(this.card);
  }

  getAuthenticatedExtendedAgentCard(params: GetExtendedAgentCardRequest, context: ServerCallContext): Promise<AgentCard> {
    return this.#inner.getAuthenticatedExtendedAgentCard(params, context);
  }

  async sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    const prepared = await this.#prepare(params, context);
    if (prepared.ended !== undefined) return prepared.ended;
    try {
      return await this.#inner.sendMessage(params, context);
    } catch (error) {
      return this.#endedMeanwhile(error, prepared.started, context);
    }
  }

  async *sendMessageStream(params: SendMessageRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    const prepared = await this.#prepare(params, context);
    if (prepared.ended !== undefined) {
      yield { payload: { $case: 'task', value: prepared.ended } };
      return;
    }
    const stream = this.#inner.sendMessageStream(params, context);
    let first: IteratorResult<StreamResponse, void>;
    try {
      first = await stream.next();
    } catch (error) {
      yield { payload: { $case: 'task', value: await this.#endedMeanwhile(error, prepared.started, context) } };
      return;
    }
    if (first.done === true) return;
    yield first.value;
    yield* stream;
  }

  /**
   * A run that ended between its start and the SDK's look at its task (a quick run) is answered as it
   * ended: the SDK refuses messages to ended tasks, but this message started it.
   */
  async #endedMeanwhile(error: unknown, started: string | undefined, context: ServerCallContext): Promise<Task> {
    if (started === undefined || !(error instanceof UnsupportedOperationError)) throw error;
    const task = await this.#store.load(started, context);
    const state = task?.status?.state;
    if (state !== TaskState.TASK_STATE_COMPLETED && state !== TaskState.TASK_STATE_FAILED && state !== TaskState.TASK_STATE_CANCELED) throw error;
    return task!;
  }

  async getTask(params: GetTaskRequest, context: ServerCallContext): Promise<Task> {
    requireTaskId(params.id);
    return this.#inner.getTask(params, context);
  }

  listTasks(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    return this.#inner.listTasks(params, context);
  }

  async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    requireTaskId(params.id);
    const client = clientOf(context, this.#client);
    const run = await this.#run(client, params.id);
    if (run !== undefined && !isTerminalStatus(run.status)) {
      await client.cancel(run.id, 'cancelled through A2A').catch((error: unknown) => {
        if (!isBatonError(error) || error.code !== ErrorCode.RunFinished) throw toA2aError(error);
      });
      // Compensations run before the run is cancelled: wait for it (bounded), so the answer says canceled.
      await client.result(run.id, { timeoutMs: this.#cancelWaitMs }).catch(() => undefined);
    }
    return this.#inner.cancelTask(params, context);
  }

  async *resubscribe(params: SubscribeToTaskRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    requireTaskId(params.id);
    yield* this.#inner.resubscribe(params, context);
  }

  createTaskPushNotificationConfig(params: TaskPushNotificationConfig, context: ServerCallContext): Promise<TaskPushNotificationConfig> {
    return this.#inner.createTaskPushNotificationConfig(params, context);
  }

  getTaskPushNotificationConfig(params: GetTaskPushNotificationConfigRequest, context: ServerCallContext): Promise<TaskPushNotificationConfig> {
    return this.#inner.getTaskPushNotificationConfig(params, context);
  }

  listTaskPushNotificationConfigs(
    params: ListTaskPushNotificationConfigsRequest,
    context: ServerCallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse> {
    return this.#inner.listTaskPushNotificationConfigs(params, context);
  }

  deleteTaskPushNotificationConfig(params: DeleteTaskPushNotificationConfigRequest, context: ServerCallContext): Promise<void> {
    return this.#inner.deleteTaskPushNotificationConfig(params, context);
  }

  /**
   * Baton's side of a message: start the run, or send the signal its run waits for. `ended` is the
   * task when the run this message starts has ended already (a quick run, or a message sent again
   * after its run ended): the SDK refuses messages to ended tasks. `started` is the run it started.
   */
  async #prepare(params: SendMessageRequest, context: ServerCallContext): Promise<{ ended?: Task; started?: string }> {
    const message = params.message;
    if (message === undefined || !message.messageId) return {}; // the SDK refuses it
    if (message.taskId) requireTaskId(message.taskId, 'message.taskId');
    if (message.contextId) requireTaskId(message.contextId, 'message.contextId');
    const client = clientOf(context, this.#client);
    if (message.taskId) {
      const run = await this.#run(client, message.taskId);
      if (run === undefined || isTerminalStatus(run.status)) return {}; // the SDK answers: not found, or ended
      if (waitedSignals(run).length === 0) {
        throw new UnsupportedOperationError(`Task ${message.taskId} waits for no input now (it is ${run.status}); follow it with tasks/get or a subscription.`);
      }
      const pending = await pendingSignal(this.#signals, run);
      if (pending !== undefined) {
        throw new UnsupportedOperationError(
          `Task ${message.taskId} has its answer already (the signal '${pending}') and goes on when its run resumes; follow it with tasks/get or a subscription.`,
        );
      }
      await this.#signal(client, message.taskId, run, message, params.metadata, context);
      return {};
    }
    const workflow = chooseSkill(this.#skills, message, params.metadata);
    const input = messageValue(message, workflow.options.input as z.ZodType | undefined, `input of skill '${workflow.name}'`);
    const contextId = message.contextId || randomUUID();
    if (contextId.length > MAX_CONTEXT_ID) throw new RequestMalformedError(`BATON_INVALID_ARGUMENT: contextId is longer than ${MAX_CONTEXT_ID} characters.`);
    const runId = `a2a-${createHash('sha256')
      .update(`${scopeOf(context)}\n${message.messageId}`)
      .digest('hex')
      .slice(0, 32)}`;
    const handle = await client.start(workflow, input, { id: runId, tags: [A2A_TAG, `${CONTEXT_TAG_PREFIX}${contextId}`] }).catch((error: unknown) => {
      throw toA2aError(error);
    });
    const run = await this.#run(client, handle.id);
    if (run === undefined) throw new TaskNotFoundError(`Run ${handle.id} is not found.`);
    message.taskId = handle.id;
    message.contextId = contextIdOf(run) ?? contextId;
    const ended = isTerminalStatus(run.status) ? await this.#store.load(handle.id, context) : undefined;
    return { started: handle.id, ...(ended === undefined ? {} : { ended }) };
  }

  async #signal(
    client: Client,
    taskId: string,
    run: RunInfo,
    message: Message,
    metadata: Record<string, unknown> | undefined,
    context: ServerCallContext,
  ): Promise<void> {
    const waits = waitedSignals(run);
    const named = metadataString(message, metadata, 'signal');
    const name = named ?? (waits.length === 1 ? waits[0]! : undefined);
    if (name === undefined || !waits.includes(name)) {
      throw new RequestMalformedError(
        `BATON_INVALID_SIGNAL: task ${taskId} waits for the signal ${waits.map((w) => `'${w}'`).join(' or ')}` +
          (named === undefined ? '; name one as metadata.signal.' : `, not '${named.slice(0, 200)}'.`),
      );
    }
    const schema = this.#registry.get(run.workflow, run.version)?.options.signals?.[name] as z.ZodType | undefined;
    const data = messageValue(message, schema, `data of signal '${name}'`);
    await client.signal(run.id, name, data).catch((error: unknown) => {
      throw toA2aError(error);
    });
    markSignalled(context, { runId: taskId, claims: run.claims });
  }

  /**
   * The run of an A2A task as it is now (the last of its chain when it continued as new, under its
   * own id), or undefined (no such run, another namespace's, or not started through A2A).
   */
  async #run(client: Client, id: string): Promise<RunInfo | undefined> {
    const run = await client.get(id).catch(() => undefined);
    return run !== undefined && contextIdOf(run) !== undefined ? latestRun(client, run) : undefined;
  }
}

export function createA2aRequestHandler(options: A2aServerOptions): BatonRequestHandler {
  return new BatonRequestHandler(options);
}

function chooseWorkflows(registry: WorkflowRegistry, names: readonly string[] | undefined): Map<string, AnyWorkflow> {
  if (names === undefined)
    return new Map(
      registry
        .current()
        .filter((w) => !w.name.startsWith('baton.'))
        .map((w) => [w.name, w]),
    );
  const skills = new Map<string, AnyWorkflow>();
  for (const name of names) {
    const workflow = registry.get(name);
    if (workflow === undefined) {
      throw new BatonError(
        ErrorCode.WorkflowNotFound,
        `No workflow '${name}' to offer as an A2A skill; known: ${registry
          .current()
          .map((w) => w.name)
          .join(', ')}.`,
        {
          retryable: false,
        },
      );
    }
    skills.set(name, workflow);
  }
  return skills;
}

/**
 * An id a request gives must be a string: A2A v0.3 requests reach the handler as sent, and a number
 * or an object there is the caller's mistake, not the server's.
 */
function requireTaskId(id: unknown, what = 'id'): void {
  if (typeof id !== 'string') throw new RequestMalformedError(`BATON_INVALID_ARGUMENT: ${what} must be a string, not ${id === null ? 'null' : typeof id}.`);
}

/** A Baton refusal as the A2A error a client understands; anything else is left to be logged as internal. */
function toA2aError(error: unknown): unknown {
  if (!isBatonError(error)) return error;
  if (error.code === ErrorCode.RunNotFound) return new TaskNotFoundError(error.message);
  if (error.code === ErrorCode.RunFinished) return new UnsupportedOperationError(`${error.code}: ${error.message}`);
  if (error.retryable) return error;
  return new RequestMalformedError(`${error.code}: ${error.message}`);
}
