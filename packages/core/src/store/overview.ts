/**
 * The overview of a namespace's runs over a time window (Store.overview): what the dashboard's
 * overview page shows. Stores compute it with SQL aggregates and hand back rows; `toOverview` turns
 * them into the one shape both dialects return.
 *
 * Stores keep hourly counts (runs created and ended, a histogram of durations, model calls and those
 * without a known price) as runs
 * change. A window whose buckets are whole hours and which starts on an hour is read from them, but
 * for the hour under way, read from the runs (see overviewPlan): a window of a week reads a few
 * thousand rows, however many runs it holds. Other windows are read from the runs alone.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { QueueStats } from './store-stats.js';
import { toQueueStats, type StatsQueueRow } from './sql-rows.js';

/** At most this many buckets per overview. */
export const OVERVIEW_MAX_BUCKETS = 500;

/** The width of the stores' hourly counts, in ms (UTC hours). */
export const STATS_HOUR_MS = 3_600_000;

/** Duration histograms' bins are this factor wide: bin = floor(ln(1 + ms) / ln(DURATION_BIN_BASE)). */
export const DURATION_BIN_BASE = 1.05;

/** Which part of a window comes from the hourly counts, and which from the runs. */
export interface OverviewPlan {
  /** `[since, statsUntil)` from the hourly counts; none when `statsUntil === since`. */
  statsUntil: number;
}

/**
 * Whole hours from the hourly counts when every bucket is whole hours from an hour's start; the
 * rest of the window (the hour under way), or all of it otherwise, from the runs.
 */
export function overviewPlan(filter: OverviewFilter): OverviewPlan {
  const aligned = filter.since % STATS_HOUR_MS === 0 && filter.bucketMs % STATS_HOUR_MS === 0;
  return { statsUntil: aligned ? Math.max(filter.since, filter.until - (filter.until % STATS_HOUR_MS)) : filter.since };
}

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
  /** What the calls with a known price cost (an unpriced call adds 0). */
  costUsd: number;
  /**
   * Calls whose model has no known price (`priced: false`, not a cache hit): their cost is unknown,
   * so `costUsd` is a lower bound whenever this is above 0.
   */
  unpricedCalls: number;
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
  /** From the hourly counts: per bucket and workflow. */
  stats: {
    bucket: number | string;
    workflow: string;
    started: number | string;
    completed: number | string;
    failed: number | string;
    cancelled: number | string;
  }[];
  /** From the runs: the rest of the window. */
  created: { bucket: number | string; workflow: string; n: number | string }[];
  ended: { bucket: number | string; workflow: string; status: string; n: number | string }[];
  /** Exact percentiles, when the window is read from the runs alone. */
  durations: { workflow: string; p50: number | string | null; p95: number | string | null }[];
  /** Otherwise a histogram of durations per workflow (hourly counts and the runs of the hour under way). */
  durationBins: { workflow: string; bin: number | string; n: number | string }[];
  queued: StatsQueueRow[];
  definedQueues: { name: string }[];
  waitingForHumans: number | string;
  /** Model calls: from the runs, and (when used) from the hourly counts. */
  llm: LlmRow[];
}

type LlmRow = {
  calls: number | string | null;
  cost_usd: number | string | null;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  unpriced_calls: number | string | null;
};

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
  const add = (bucketIndex: number | string, name: string, counts: Partial<Record<keyof typeof totals, number>>) => {
    const bucket = buckets[Number(bucketIndex)];
    const w = workflow(name);
    for (const [key, n] of Object.entries(counts) as [keyof typeof totals, number][]) {
      if (bucket !== undefined) bucket[key] += n;
      w[key === 'started' ? 'runs' : key] += n;
      totals[key] += n;
    }
  };
  for (const row of rows.stats) {
    const { started, completed, failed, cancelled } = row;
    add(row.bucket, row.workflow, { started: Number(started), completed: Number(completed), failed: Number(failed), cancelled: Number(cancelled) });
  }
  for (const row of rows.created) add(row.bucket, row.workflow, { started: Number(row.n) });
  for (const row of rows.ended) {
    const status = row.status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') add(row.bucket, row.workflow, { [status]: Number(row.n) });
  }
  for (const row of rows.durations) {
    const w = workflow(row.workflow);
    if (row.p50 !== null) w.p50Ms = Math.round(Number(row.p50));
    if (row.p95 !== null) w.p95Ms = Math.round(Number(row.p95));
  }
  for (const [name, bins] of groupBins(rows.durationBins)) {
    const w = workflow(name);
    w.p50Ms = Math.round(binnedPercentile(bins, 0.5));
    w.p95Ms = Math.round(binnedPercentile(bins, 0.95));
  }
  const llm = (key: keyof LlmRow) => rows.llm.reduce((sum, row) => sum + Number(row[key] ?? 0), 0);
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
      calls: llm('calls'),
      costUsd: llm('cost_usd'),
      unpricedCalls: llm('unpriced_calls'),
      inputTokens: llm('input_tokens'),
      outputTokens: llm('output_tokens'),
    },
  };
}

/** Each workflow's bins, ascending, with their counts summed. */
function groupBins(rows: OverviewRows['durationBins']): Map<string, { bin: number; n: number }[]> {
  const byWorkflow = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const bins = byWorkflow.get(row.workflow) ?? new Map<number, number>();
    byWorkflow.set(row.workflow, bins.set(Number(row.bin), (bins.get(Number(row.bin)) ?? 0) + Number(row.n)));
  }
  return new Map([...byWorkflow].map(([name, bins]) => [name, [...bins].map(([bin, n]) => ({ bin, n })).sort((a, b) => a.bin - b.bin)]));
}

/**
 * The value at fractional rank `p * (n - 1)` of a duration histogram, interpolated linearly between
 * the two nearest ranks as the exact percentiles are; a rank's value is placed inside its bin's
 * range in proportion to its place among the bin's runs (within 5 % of the exact value).
 */
export function binnedPercentile(bins: readonly { bin: number; n: number }[], p: number): number {
  const total = bins.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return 0;
  const rank = p * (total - 1);
  const below = Math.floor(rank);
  const low = valueAtRank(bins, below);
  return low + (valueAtRank(bins, Math.min(total - 1, below + 1)) - low) * (rank - below);
}

/** The estimated value of the run at 0-based `rank` in a histogram's order. */
function valueAtRank(bins: readonly { bin: number; n: number }[], rank: number): number {
  let before = 0;
  for (const { bin, n } of bins) {
    if (rank < before + n) {
      const start = DURATION_BIN_BASE ** bin - 1;
      const end = DURATION_BIN_BASE ** (bin + 1) - 1;
      return start + ((end - start) * (rank - before + 0.5)) / n;
    }
    before += n;
  }
  return 0;
}
