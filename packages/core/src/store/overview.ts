/**
 * The overview of a namespace's runs over a time window (Store.overview): what the dashboard's
 * overview page shows. Stores compute it with SQL aggregates and hand back rows; `toOverview` turns
 * them into the one shape both dialects return.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { QueueStats } from './store-stats.js';
import { toQueueStats, type StatsQueueRow } from './sql-rows.js';

/** At most this many buckets per overview. */
export const OVERVIEW_MAX_BUCKETS = 500;

export interface OverviewFilter {
  /** The window: runs created, or ended, at or after `since` and before `until`. */
  since: number;
  until: number;
  /** The width of one time bucket, in ms. */
  bucketMs: number;
  /** Only this namespace's runs (every namespace's when absent). */
  namespace?: string;
  /** The time queue ages are read at. */
  now: number;
}

/** Runs started (by creation time) and ended (by end time, per status) in one bucket. */
export interface OverviewBucket {
  /** The bucket's start: `since + i * bucketMs`. */
  start: number;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export interface WorkflowOverview {
  workflow: string;
  /** Runs created in the window. */
  runs: number;
  /** Runs ended in the window, by status. */
  completed: number;
  failed: number;
  cancelled: number;
  /** Median and 95th percentile of `endedAt - createdAt` over the runs ended in the window (linear interpolation). */
  p50Ms?: number;
  p95Ms?: number;
}

export interface LlmUsageTotals {
  /** Journaled model calls (`kind: 'baton.llm'` results) of runs created in the window. */
  calls: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface Overview {
  since: number;
  until: number;
  bucketMs: number;
  /** Every bucket of the window, oldest first, zeros included. */
  buckets: OverviewBucket[];
  totals: { started: number; completed: number; failed: number; cancelled: number };
  /** Failed runs over runs ended in the window (0 when none ended). */
  failureRate: number;
  /** Workflows with a run created or ended in the window, by name. */
  workflows: WorkflowOverview[];
  /** Queued runs per queue (this namespace's), with the oldest ones' times; defined queues with zeros. */
  queues: QueueStats[];
  /** Waiting runs that wait for a signal a person sends (a name not starting with `$`). */
  waitingForHumans: number;
  llm: LlmUsageTotals;
}

/** Rows the stores' overview queries return (counts may come back as strings from PostgreSQL). */
export interface OverviewRows {
  created: { bucket: number | string; workflow: string; n: number | string }[];
  ended: { bucket: number | string; workflow: string; status: string; n: number | string }[];
  durations: { workflow: string; p50: number | string | null; p95: number | string | null }[];
  queued: StatsQueueRow[];
  definedQueues: { name: string }[];
  waitingForHumans: number | string;
  llm: { calls: number | string | null; cost_usd: number | string | null; input_tokens: number | string | null; output_tokens: number | string | null };
}

/** Throws BATON_INVALID_ARGUMENT unless the window and bucket width make 1 to OVERVIEW_MAX_BUCKETS buckets. */
export function assertOverviewFilter(filter: OverviewFilter): number {
  const { since, until, bucketMs } = filter;
  if (![since, until, bucketMs].every(Number.isSafeInteger) || bucketMs <= 0 || until <= since) {
    throw new BatonError(ErrorCode.InvalidArgument, 'An overview needs whole-ms times with since before until, and a positive bucket width.', {
      retryable: false,
    });
  }
  const count = Math.ceil((until - since) / bucketMs);
  if (count > OVERVIEW_MAX_BUCKETS) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `An overview of ${count} buckets is too many (at most ${OVERVIEW_MAX_BUCKETS}): use wider buckets or a shorter window.`,
      { retryable: false },
    );
  }
  return count;
}

export function toOverview(filter: OverviewFilter, rows: OverviewRows): Overview {
  const count = assertOverviewFilter(filter);
  const buckets: OverviewBucket[] = Array.from({ length: count }, (_, i) => ({
    start: filter.since + i * filter.bucketMs,
    started: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  }));
  const workflows = new Map<string, WorkflowOverview>();
  const workflow = (name: string): WorkflowOverview => {
    let found = workflows.get(name);
    if (found === undefined) workflows.set(name, (found = { workflow: name, runs: 0, completed: 0, failed: 0, cancelled: 0 }));
    return found;
  };
  const totals = { started: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const row of rows.created) {
    const n = Number(row.n);
    const bucket = buckets[Number(row.bucket)];
    if (bucket !== undefined) bucket.started += n;
    workflow(row.workflow).runs += n;
    totals.started += n;
  }
  for (const row of rows.ended) {
    const status = row.status as 'completed' | 'failed' | 'cancelled';
    if (status !== 'completed' && status !== 'failed' && status !== 'cancelled') continue;
    const n = Number(row.n);
    const bucket = buckets[Number(row.bucket)];
    if (bucket !== undefined) bucket[status] += n;
    workflow(row.workflow)[status] += n;
    totals[status] += n;
  }
  for (const row of rows.durations) {
    const w = workflow(row.workflow);
    if (row.p50 !== null) w.p50Ms = Math.round(Number(row.p50));
    if (row.p95 !== null) w.p95Ms = Math.round(Number(row.p95));
  }
  const ended = totals.completed + totals.failed + totals.cancelled;
  return {
    since: filter.since,
    until: filter.until,
    bucketMs: filter.bucketMs,
    buckets,
    totals,
    failureRate: ended === 0 ? 0 : totals.failed / ended,
    workflows: [...workflows.values()].sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0)),
    queues: toQueueStats(rows.queued, rows.definedQueues),
    waitingForHumans: Number(rows.waitingForHumans),
    llm: {
      calls: Number(rows.llm.calls ?? 0),
      costUsd: Number(rows.llm.cost_usd ?? 0),
      inputTokens: Number(rows.llm.input_tokens ?? 0),
      outputTokens: Number(rows.llm.output_tokens ?? 0),
    },
  };
}
