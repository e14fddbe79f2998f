/**
 * The SDK's `TaskStore` over Baton's store: a task is read from its run each time, through the
 * caller's acting client (so a key sees only its namespace's tasks). Saving keeps nothing: what a
 * task says follows from its run, which the run's own writes keep durable.
 */
import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { TaskState } from '@a2a-js/sdk';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import { isBatonError, type Client, type RunInfo, type WorkflowRegistry } from '@baton/core';
import { clientOf } from './call-context.js';
import { pendingSignal, type PendingSignals } from './pending-signal.js';
import { latestRun } from './run-chain.js';
import { A2A_TAG, CONTEXT_TAG_PREFIX, runTask, waitedSignals } from './task-view.js';

export class RunTaskStore implements TaskStore {
  constructor(
    private readonly client: Client,
    private readonly workflows: WorkflowRegistry,
    private readonly signals?: PendingSignals,
  ) {}

  /** Nothing to keep: the run is the task. */
  save(): Promise<void> {
    return Promise.resolve();
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const client = clientOf(context, this.client);
    const run = await client.get(taskId).catch(() => undefined); // an id that cannot be a run id names no task
    return run === undefined ? undefined : this.#task(client, run);
  }

  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const pageSize = params.pageSize ?? 50;
    const client = clientOf(context, this.client);
    const page = await client
      .list({
        tag: params.contextId ? `${CONTEXT_TAG_PREFIX}${params.contextId}` : A2A_TAG,
        limit: pageSize,
        ...(params.pageToken ? { cursor: params.pageToken } : {}),
      })
      .catch((error: unknown) => {
        // A page token that is not one this server gave (or another bad filter): the caller's mistake.
        if (isBatonError(error) && !error.retryable) throw new RequestMalformedError(`${error.code}: ${error.message}`);
        throw error;
      });
    // A run continued from another is part of that run's task, not a task of its own.
    const listed = await Promise.all(page.runs.filter((run) => run.continuedFrom === undefined).map((run) => this.#task(client, run)));
    const tasks = listed
      .flatMap((task) => task ?? [])
      .filter((task) => params.status === TaskState.TASK_STATE_UNSPECIFIED || params.status === undefined || task.status?.state === params.status)
      .map((task) => (params.includeArtifacts === true ? task : { ...task, artifacts: [] }));
    return { tasks, nextPageToken: page.nextCursor ?? '', pageSize, totalSize: tasks.length };
  }

  /** The task of `run`: its chain's last run under its id, needing input unless that run has its signal already. */
  async #task(client: Client, run: RunInfo): Promise<Task | undefined> {
    const latest = await latestRun(client, run);
    const answered = (await pendingSignal(this.signals, latest)) !== undefined;
    const view = latest === run ? run : { ...latest, id: run.id };
    return runTask(view, this.workflows.get(view.workflow, view.version), waitedSignals(view).length > 0 && !answered);
  }
}
