/**
 * The overview's aggregates on PostgreSQL (see Store.overview and overviewPlan): each a single
 * statement over an index range. From the hourly counts (run_stats, run_duration_stats and the
 * deltas not yet folded into them: migrations 0012 and 0017), hours `[since, statsUntil)`; from the runs,
 * `[from, until)`: runs created (runs_created / runs_namespace), runs ended (runs_ended, which covers
 * them; percentile_cont for exact durations), model calls in the journals of runs created. Queued
 * runs and runs waiting for people are counted from their partial indexes.
 */
import type { OverviewFilter } from '@baton/core';

export interface Query {
  sql: string;
  params: unknown[];
}

type OverviewQuery = 'stats' | 'durationBins' | 'llmStats' | 'created' | 'ended' | 'durations' | 'queued' | 'waitingForHumans' | 'llm';

/** The overview's statements for `filter`, reading the runs from `from` on and the hourly counts before `statsUntil`. */
export function overviewQueries(filter: OverviewFilter, statsUntil: number): Record<OverviewQuery, Query> {
  const build = (make: (p: (value: unknown) => string) => string): Query => {
    const params: unknown[] = [];
    const sql = make((value) => `$${params.push(value)}`);
    return { sql, params };
  };
  const from = statsUntil;
  const inNamespace = (p: (value: unknown) => string, alias = '') => (filter.namespace === undefined ? '' : ` AND ${alias}namespace = ${p(filter.namespace)}`);
  const window = (column: string, p: (value: unknown) => string) => `${column} >= ${p(from)}::bigint AND ${column} < ${p(filter.until)}::bigint`;
  const ended = (p: (value: unknown) => string) => `${window('ended_at', p)}${inNamespace(p)} AND status IN ('completed', 'failed', 'cancelled')`;
  const hours = (p: (value: unknown) => string) => `hour >= ${p(filter.since)}::bigint AND hour < ${p(statsUntil)}::bigint${inNamespace(p)}`;
  // The hourly counts with the deltas not yet folded in.
  const counts = (p: (value: unknown) => string, columns: string) =>
    `SELECT ${columns} FROM run_stats WHERE ${hours(p)} UNION ALL SELECT ${columns} FROM run_stats_delta WHERE ${hours(p)}`;
  return {
    stats: build(
      (p) => `SELECT (hour - ${p(filter.since)}::bigint) / ${p(filter.bucketMs)}::bigint AS bucket, workflow,
          SUM(started) AS started, SUM(completed) AS completed, SUM(failed) AS failed, SUM(cancelled) AS cancelled
        FROM (${counts(p, 'hour, workflow, started, completed, failed, cancelled')}) s GROUP BY 1, 2`,
    ),
    durationBins: build(
      (p) => `SELECT workflow, bin, SUM(n) AS n FROM (
          SELECT workflow, bin, n FROM run_duration_stats WHERE ${hours(p)}
          UNION ALL
          SELECT workflow, bin, completed + failed + cancelled FROM run_stats_delta WHERE ${hours(p)} AND bin IS NOT NULL
          UNION ALL
          SELECT workflow, duration_bin(ended_at - created_at), 1 FROM runs WHERE ${ended(p)}
        ) b GROUP BY 1, 2`,
    ),
    llmStats: build(
      (p) => `SELECT SUM(llm_calls) AS calls, SUM(llm_cost_usd) AS cost_usd, SUM(llm_input_tokens) AS input_tokens, SUM(llm_output_tokens) AS output_tokens,
          SUM(llm_unpriced_calls) AS unpriced_calls
        FROM (${counts(p, 'llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens, llm_unpriced_calls')}) s`,
    ),
    created: build(
      (p) => `SELECT (created_at - ${p(filter.since)}::bigint) / ${p(filter.bucketMs)}::bigint AS bucket, workflow, COUNT(*) AS n
        FROM runs WHERE ${window('created_at', p)}${inNamespace(p)} GROUP BY 1, 2`,
    ),
    ended: build(
      (p) => `SELECT (ended_at - ${p(filter.since)}::bigint) / ${p(filter.bucketMs)}::bigint AS bucket, workflow, status, COUNT(*) AS n
        FROM runs WHERE ${ended(p)} GROUP BY 1, 2, 3`,
    ),
    durations: build(
      (p) => `SELECT workflow,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ended_at - created_at) AS p50,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY ended_at - created_at) AS p95
        FROM runs WHERE ${ended(p)} GROUP BY workflow`,
    ),
    queued: build(
      (p) => `SELECT queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
          MIN(ready_at) FILTER (WHERE ready_at <= ${p(filter.now)}::bigint) AS oldest_ready_at
        FROM runs WHERE status = 'queued'${inNamespace(p)} GROUP BY queue`,
    ),
    // The predicate of the partial index runs_waiting_person (migration 0012), word for word.
    waitingForHumans: build(
      (p) => `SELECT COUNT(*) AS n FROM runs
        WHERE status = 'waiting' AND waits::jsonb @? '$.signals[*] ? (!(@ starts with "$"))'${inNamespace(p)}`,
    ),
    // The LIKE skips every entry that cannot be a model call before its JSON is read.
    llm: build(
      (p) => `SELECT COUNT(*) AS calls,
          SUM((o.output ->> 'costUsd')::float8) AS cost_usd,
          SUM((o.output -> 'usage' ->> 'inputTokens')::float8) AS input_tokens,
          SUM((o.output -> 'usage' ->> 'outputTokens')::float8) AS output_tokens,
          COUNT(*) FILTER (WHERE o.output -> 'priced' = 'false'::jsonb AND o.output -> 'cached' IS DISTINCT FROM 'true'::jsonb) AS unpriced_calls
        FROM (
          SELECT jsonb_or_null(j.output) AS output FROM runs r JOIN journal j ON j.run_id = r.id
          WHERE ${window('r.created_at', p)}${inNamespace(p, 'r.')} AND j.status = 'completed' AND j.output LIKE '%baton.llm%'
        ) o
        WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'`,
    ),
  };
}
