/**
 * The `AgentExecutor`: it starts nothing (the request handler starts runs and sends signals before
 * the SDK calls it) and follows the task's run, publishing what changes: the task first, then
 * `working` with the run's progress as status messages, and at the end the output artifact with
 * `completed`, or `failed` with the error, or `canceled`. A run that waits for a signal ends the
 * execution in `input-required`; the message that answers it starts a new execution.
 */
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { TaskState } from '@a2a-js/sdk';
import { isTerminalStatus, type Client, type RunInfo, type WorkflowRegistry } from '@baton/core';
import { clientOf, signalledIn } from './call-context.js';
import { latestRun } from './run-chain.js';
import { outputArtifact, runTask, signalWaits, taskStatus, waitedSignals } from './task-view.js';

/**
 * How often a followed run is read for progress: from every 250 ms after a change to every 5 s for a
 * run that stays as it is (a long wait). Its end is noticed at once where the store tells of it.
 */
const FOLLOW_MIN_MS = 250;
const FOLLOW_MAX_MS = 5000;

export class RunExecutor implements AgentExecutor {
  /** Aborted by `close`: every execution stops following its run (the runs themselves go on). */
  readonly #closed = new AbortController();

  constructor(
    private readonly client: Client,
    private readonly workflows: WorkflowRegistry,
  ) {}

  async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const client = clientOf(request.context, this.client);
    const runId = request.taskId;
    const signalled = signalledIn(request.context);
    // A wait this request answered is still recorded until the worker takes the run up again.
    const answered = (run: RunInfo): boolean => signalled?.runId === run.id && run.claims <= signalled.claims;
    const chain = new ChainReader(client, runId);
    let run = await chain.read();
    const view = (r: RunInfo) => runTask(r, this.workflows.get(r.workflow, r.version), waitsForSignal(r) && !answered(r));
    const first = view(run);
    if (first === undefined) throw new Error(`Run ${runId} is not an A2A task.`);
    const contextId = first.contextId;
    if (signalled !== undefined && first.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) first.status.state = TaskState.TASK_STATE_WORKING;
    bus.publish(AgentEvent.task(first));
    // The first status update repeats the task's state, so a client following status updates sees it too.
    let last = '';
    let interval = FOLLOW_MIN_MS;
    for (;;) {
      const workflow = this.workflows.get(run.workflow, run.version);
      const inputRequired = waitsForSignal(run) && !answered(run);
      if (run.status === 'completed') {
        bus.publish(
          AgentEvent.artifactUpdate({ taskId: runId, contextId, artifact: outputArtifact(run), append: false, lastChunk: true, metadata: undefined }),
        );
      }
      const status = taskStatus(run, contextId, signalWaits(run, workflow), inputRequired);
      const now = fingerprint(status.state, run);
      if (now !== last || isTerminalStatus(run.status)) {
        bus.publish(AgentEvent.statusUpdate({ taskId: runId, contextId, status, metadata: undefined }));
        last = now;
        interval = FOLLOW_MIN_MS;
      } else {
        interval = Math.min(interval * 2, FOLLOW_MAX_MS);
      }
      if (isTerminalStatus(run.status) || inputRequired) return;
      await client.result(chain.latestId, { timeoutMs: interval }).catch(() => undefined);
      // The server is closing: its store may be closed next, and a client reading the task later reads it from the run.
      if (this.#closed.signal.aborted) return;
      run = await chain.read();
    }
  }

  /** Stops following runs (a server that closes): executions end where they are, their runs go on. */
  close(): void {
    this.#closed.abort();
  }

  /** The request handler cancelled the run before this is called; the execution following it reports the end. */
  cancelTask(): Promise<void> {
    return Promise.resolve();
  }
}

function waitsForSignal(run: RunInfo): boolean {
  return waitedSignals(run).length > 0;
}

/** What a status update reports: a new one is published when it changes. */
function fingerprint(state: TaskState | undefined, run: RunInfo): string {
  return JSON.stringify([state, run.progress ?? null, waitedSignals(run)]);
}

/** Reads the task's run as it is now (the last of its chain, under the task's id), going on from the last run it found. */
class ChainReader {
  #latest: string;

  constructor(
    private readonly client: Client,
    private readonly taskId: string,
  ) {
    this.#latest = taskId;
  }

  /** The id of the last run of the chain found so far. */
  get latestId(): string {
    return this.#latest;
  }

  async read(): Promise<RunInfo> {
    const run = await this.client.get(this.#latest);
    if (run === undefined) throw new Error(`Run ${this.#latest} is not found.`);
    const latest = await latestRun(this.client, run);
    this.#latest = latest.id;
    return latest.id === this.taskId ? latest : { ...latest, id: this.taskId };
  }
}
