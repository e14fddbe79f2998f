/**
 * Cost attribution (Store.costs): model spend and run counts per namespace, workflow or tag over a
 * period, by UTC day or calendar month, for chargeback. Namespaces and workflows are read from the
 * stores' hourly counts; tags from the runs created in the period that carry tags and their journaled
 * model calls. Everything is attributed to the time its run was created. A run with several tags
 * counts in full under each of them, so the tag rows of a period may add up to more than its total.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';

export const CostGroupBy = { Namespace: 'namespace', Workflow: 'workflow', Tag: 'tag' } as const;
export type CostGroupBy = (typeof CostGroupBy)[keyof typeof CostGroupBy];

export const CostInterval = { Day: 'day', Month: 'month' } as const;
export type CostInterval = (typeof CostInterval)[keyof typeof CostInterval];

/** A UTC day in ms. */
export const COST_DAY_MS = 86_400_000;

/** The longest period a cost report covers, in days. */
export const COST_MAX_DAYS = 1_100;

export interface CostFilter {
  /** The period `[from, to)`: UTC midnights, in ms. */
  from: number;
  to: number;
  groupBy: CostGroupBy;
  interval: CostInterval;
  /** Only this namespace (every namespace when absent). */
  namespace?: string;
}

/** One group in one period. */
export interface CostRow {
  /** `YYYY-MM-DD` (day) or `YYYY-MM` (month), UTC. */
  period: string;
  namespace: string;
  /** The namespace, the workflow's name or the tag, as `groupBy` says. */
  key: string;
  /** Runs created. */
  runs: number;
  /** Journaled model calls (cache hits included: they cost 0). */
  llmCalls: number;
  /** Calls whose model has no known price: `costUsd` is a lower bound when this is above 0. */
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface CostReport {
  from: number;
  to: number;
  groupBy: CostGroupBy;
  interval: CostInterval;
  /** Ordered by period, then namespace, then key. */
  rows: CostRow[];
}

/** Rows the stores' cost queries return, per UTC day (counts may come back as strings from PostgreSQL). */
export interface CostDayRow {
  day: number | string;
  namespace: string;
  key: string;
  runs?: number | string | null;
  calls?: number | string | null;
  cost_usd?: number | string | null;
  input_tokens?: number | string | null;
  output_tokens?: number | string | null;
  unpriced_calls?: number | string | null;
}

/** Throws BATON_INVALID_ARGUMENT unless the filter names a period of whole UTC days, 1 to COST_MAX_DAYS long, and known groupings. */
export function assertCostFilter(filter: CostFilter): void {
  const { from, to } = filter;
  if (![from, to].every(Number.isSafeInteger) || from % COST_DAY_MS !== 0 || to % COST_DAY_MS !== 0 || to <= from) {
    throw new BatonError(ErrorCode.InvalidArgument, 'A cost report needs a period of whole UTC days: from and to at midnight UTC, from before to.', {
      retryable: false,
    });
  }
  if ((to - from) / COST_DAY_MS > COST_MAX_DAYS) {
    throw new BatonError(ErrorCode.InvalidArgument, `A cost report covers at most ${COST_MAX_DAYS} days: ask for a shorter period.`, { retryable: false });
  }
  if (!Object.values(CostGroupBy).includes(filter.groupBy) || !Object.values(CostInterval).includes(filter.interval)) {
    throw new BatonError(ErrorCode.InvalidArgument, 'groupBy must be namespace, workflow or tag, and interval day or month.', { retryable: false });
  }
}

/** The period a day falls in. */
function periodOf(day: number, interval: CostInterval): string {
  const iso = new Date(day).toISOString();
  return interval === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** Sums the stores' day rows into the report's periods. */
export function toCostReport(filter: CostFilter, rows: readonly CostDayRow[]): CostReport {
  const groups = new Map<string, CostRow>();
  for (const row of rows) {
    const period = periodOf(Number(row.day), filter.interval);
    const id = JSON.stringify([period, row.namespace, row.key]);
    let group = groups.get(id);
    if (group === undefined) {
      group = { period, namespace: row.namespace, key: row.key, runs: 0, llmCalls: 0, unpricedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      groups.set(id, group);
    }
    group.runs += Number(row.runs ?? 0);
    group.llmCalls += Number(row.calls ?? 0);
    group.unpricedCalls += Number(row.unpriced_calls ?? 0);
    group.inputTokens += Number(row.input_tokens ?? 0);
    group.outputTokens += Number(row.output_tokens ?? 0);
    group.costUsd += Number(row.cost_usd ?? 0);
  }
  const order = (a: CostRow, b: CostRow) => compare(a.period, b.period) || compare(a.namespace, b.namespace) || compare(a.key, b.key);
  return { from: filter.from, to: filter.to, groupBy: filter.groupBy, interval: filter.interval, rows: [...groups.values()].sort(order) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
