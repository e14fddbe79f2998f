/** `plan(request, { client })`: starts a `baton.plan` run through a client and waits for its result. */
import type { Client } from '@baton/core';
import type { PlanRequest, PlanResult } from './plan-types.js';
import { PLANNER_WORKFLOW } from './planner-options.js';

export interface PlanOn {
  /** A client of an engine whose workers have `plannerWorkflow(...)` registered. */
  readonly client: Client;
  /** The run's id (also its idempotency key: planning again with it returns that run's result). */
  readonly runId?: string;
  /** Give up waiting after this many ms (the run goes on). */
  readonly timeoutMs?: number;
}

/** Plans a workflow: the run's result, or its error (e.g. no model configured) thrown. */
export async function plan(request: PlanRequest, on: PlanOn): Promise<PlanResult> {
  const handle = await on.client.start<PlanResult>(PLANNER_WORKFLOW, request, on.runId === undefined ? {} : { id: on.runId });
  return handle.result(on.timeoutMs === undefined ? {} : { timeoutMs: on.timeoutMs });
}
