/**
 * Cost reports on SQLite (see Store.costs), per UTC day: namespaces and workflows from the hourly
 * counts (run_stats, migrations 0011 and 0015); tags from the tagged runs created in the period
 * (runs_tagged_created, migration 0024) and their journaled model calls, each counted under every
 * tag of its run.
 */
const DAY = 86_400_000;

export function costQueries(groupBy: 'namespace' | 'workflow' | 'tag', namespaced: boolean): string[] {
  const inNamespace = (alias = '') => (namespaced ? ` AND ${alias}namespace = @namespace` : '');
  if (groupBy !== 'tag') {
    const key = groupBy === 'namespace' ? 'namespace' : 'workflow';
    return [
      `SELECT hour - hour % ${DAY} AS day, namespace, ${key} AS key, SUM(started) AS runs, SUM(llm_calls) AS calls, SUM(llm_cost_usd) AS cost_usd,
          SUM(llm_input_tokens) AS input_tokens, SUM(llm_output_tokens) AS output_tokens, SUM(llm_unpriced_calls) AS unpriced_calls
        FROM run_stats WHERE hour >= @from AND hour < @to${inNamespace()} GROUP BY 1, 2, 3`,
    ];
  }
  const tagged = `r.created_at >= @from AND r.created_at < @to AND r.tags IS NOT NULL${inNamespace('r.')}`;
  return [
    `SELECT r.created_at - r.created_at % ${DAY} AS day, r.namespace AS namespace, t.value AS key, COUNT(*) AS runs
      FROM runs r INDEXED BY runs_tagged_created, json_each(r.tags) t WHERE ${tagged} GROUP BY 1, 2, 3`,
    // The LIKE skips every entry that cannot be a model call before its JSON is read.
    `SELECT o.day, o.namespace, t.value AS key, COUNT(*) AS calls,
        SUM(json_extract(o.output, '$.costUsd')) AS cost_usd,
        SUM(json_extract(o.output, '$.usage.inputTokens')) AS input_tokens,
        SUM(json_extract(o.output, '$.usage.outputTokens')) AS output_tokens,
        SUM(json_type(o.output, '$.priced') IS 'false' AND json_type(o.output, '$.cached') IS NOT 'true') AS unpriced_calls
      FROM (
        SELECT r.created_at - r.created_at % ${DAY} AS day, r.namespace, r.tags,
          CASE WHEN j.output LIKE '%baton.llm%' AND json_valid(j.output) THEN j.output END AS output
        FROM runs r INDEXED BY runs_tagged_created JOIN journal j ON j.run_id = r.id
        WHERE ${tagged} AND j.status = 'completed'
      ) o, json_each(o.tags) t
      WHERE json_extract(o.output, '$.kind') = 'baton.llm'
      GROUP BY 1, 2, 3`,
  ];
}
