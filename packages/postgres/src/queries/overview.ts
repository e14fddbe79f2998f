/**
 * The overview's aggregates on PostgreSQL (see Store.overview): each a single statement over an
 * index range: runs created in the window (runs_created / runs_namespace), runs ended in it
 * (runs_ended, which covers them; percentile_cont for the durations), queued and waiting runs
 * (their partial indexes), and model calls in the journals of runs created in the window.
 */
import type { OverviewFilter } from '@baton/core';

export interface Query {
  sql: string;
  params: unknown[];
}

/** The overview's statements for `filter`, each with the parameters it uses. */
export function overviewQueries(filter: OverviewFilter): Record<'created' | 'ended' | 'durations' | 'queued' | 'waitingForHumans' | 'llm', Query> {
  const build = (make: (p: (value: unknown) => string) => string): Query => {
    const params: unknown[] = [];
    const sql = make((value) => `$${params.push(value)}`);
    return { sql, params };
  };
  const inNamespace = (p: (value: unknown) => string, alias = '') => (filter.namespace === undefined ? '' : ` AND ${alias}namespace = ${p(filter.namespace)}`);
  const window = (column: string, p: (value: unknown) => string) => `${column} >= ${p(filter.since)}::bigint AND ${column} < ${p(filter.until)}::bigint`;
  const ended = (p: (value: unknown) => string) => `${window('ended_at', p)}${inNamespace(p)} AND status IN ('completed', 'failed', 'cancelled')`;
  return {
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
    waitingForHumans: build(
      (p) => `SELECT COUNT(*) AS n FROM runs
        WHERE status = 'waiting'${inNamespace(p)}
          AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(waits::jsonb -> 'signals') AS s(name) WHERE left(s.name, 1) <> '$')`,
    ),
    // The LIKE skips every entry that cannot be a model call before its JSON is read.
    llm: build(
      (p) => `SELECT COUNT(*) AS calls,
          SUM((o.output ->> 'costUsd')::float8) AS cost_usd,
          SUM((o.output -> 'usage' ->> 'inputTokens')::float8) AS input_tokens,
          SUM((o.output -> 'usage' ->> 'outputTokens')::float8) AS output_tokens
        FROM (
          SELECT jsonb_or_null(j.output) AS output FROM runs r JOIN journal j ON j.run_id = r.id
          WHERE ${window('r.created_at', p)}${inNamespace(p, 'r.')} AND j.status = 'completed' AND j.output LIKE '%baton.llm%'
        ) o
        WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'`,
    ),
  };
}
