/**
 * Cost reports on PostgreSQL (see Store.costs), per UTC day: namespaces and workflows from the
 * hourly counts and the deltas not yet folded into them (run_stats, run_stats_delta: migrations 0012
 * and 0017); tags from the tagged runs created in the period (runs_tagged_created, migration 0027)
 * and their journaled model calls, each counted under every tag of its run.
 */
import type { CostFilter } from '@baton/core';

const DAY = 86_400_000;

export function costQueries(filter: CostFilter): { sql: string; params: unknown[] }[] {
  const params: unknown[] = [filter.from, filter.to, ...(filter.namespace === undefined ? [] : [filter.namespace])];
  const inNamespace = (alias = '') => (filter.namespace === undefined ? '' : ` AND ${alias}namespace = $3`);
  if (filter.groupBy !== 'tag') {
    const key = filter.groupBy === 'namespace' ? 'namespace' : 'workflow';
    const columns = `hour, namespace, workflow, started, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens, llm_unpriced_calls`;
    const hours = `hour >= $1::bigint AND hour < $2::bigint${inNamespace()}`;
    return [
      {
        sql: `SELECT hour - hour % ${DAY} AS day, namespace, ${key} AS key, SUM(started) AS runs, SUM(llm_calls) AS calls, SUM(llm_cost_usd) AS cost_usd,
            SUM(llm_input_tokens) AS input_tokens, SUM(llm_output_tokens) AS output_tokens, SUM(llm_unpriced_calls) AS unpriced_calls
          FROM (SELECT ${columns} FROM run_stats WHERE ${hours} UNION ALL SELECT ${columns} FROM run_stats_delta WHERE ${hours}) s
          GROUP BY 1, 2, 3`,
        params,
      },
    ];
  }
  const tagged = `r.created_at >= $1::bigint AND r.created_at < $2::bigint AND r.tags IS NOT NULL${inNamespace('r.')}`;
  return [
    {
      sql: `SELECT r.created_at - r.created_at % ${DAY} AS day, r.namespace AS namespace, t.value AS key, COUNT(*) AS runs
        FROM runs r CROSS JOIN LATERAL jsonb_array_elements_text(r.tags::jsonb) t(value) WHERE ${tagged} GROUP BY 1, 2, 3`,
      params,
    },
    {
      sql: `SELECT o.day, o.namespace, t.value AS key, COUNT(*) AS calls,
          SUM((o.output ->> 'costUsd')::float8) AS cost_usd,
          SUM((o.output -> 'usage' ->> 'inputTokens')::float8) AS input_tokens,
          SUM((o.output -> 'usage' ->> 'outputTokens')::float8) AS output_tokens,
          COUNT(*) FILTER (WHERE o.output -> 'priced' = 'false'::jsonb AND o.output -> 'cached' IS DISTINCT FROM 'true'::jsonb) AS unpriced_calls
        FROM (
          SELECT r.created_at - r.created_at % ${DAY} AS day, r.namespace, r.tags, jsonb_or_null(j.output) AS output
          FROM runs r JOIN journal j ON j.run_id = r.id
          WHERE ${tagged} AND j.status = 'completed' AND j.output LIKE '%baton.llm%'
        ) o CROSS JOIN LATERAL jsonb_array_elements_text(o.tags::jsonb) t(value)
        WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
        GROUP BY 1, 2, 3`,
      params,
    },
  ];
}
