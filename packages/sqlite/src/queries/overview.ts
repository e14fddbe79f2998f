/**
 * The overview's aggregates on SQLite (see Store.overview): each a single statement over an index
 * range: runs created in the window (runs_created / runs_namespace), runs ended in it (runs_ended,
 * which covers them), queued and waiting runs (their partial indexes), and model calls in the
 * journals of runs created in the window. Percentiles interpolate linearly between the two nearest
 * ranks, as PostgreSQL's percentile_cont does.
 */
/** The overview's statements, with or without a namespace condition (two plans, each using its index). */
export function overviewQueries(namespaced: boolean) {
  const inNamespace = (alias = '') => (namespaced ? ` AND ${alias}namespace = @namespace` : '');
  const created = `created_at >= @since AND created_at < @until${inNamespace()}`;
  const ended = `ended_at >= @since AND ended_at < @until${inNamespace()} AND status IN ('completed', 'failed', 'cancelled')`;
  return {
    created: `SELECT CAST((created_at - @since) / @bucketMs AS INTEGER) AS bucket, workflow, COUNT(*) AS n FROM runs WHERE ${created} GROUP BY bucket, workflow`,
    ended: `SELECT CAST((ended_at - @since) / @bucketMs AS INTEGER) AS bucket, workflow, status, COUNT(*) AS n
      FROM runs INDEXED BY runs_ended WHERE ${ended} GROUP BY bucket, workflow, status`,
    durations: `WITH ranked AS (
        SELECT workflow, ended_at - created_at AS ms,
          ROW_NUMBER() OVER (PARTITION BY workflow ORDER BY ended_at - created_at) - 1 AS i,
          COUNT(*) OVER (PARTITION BY workflow) AS n
        FROM runs INDEXED BY runs_ended WHERE ${ended}
      )
      SELECT workflow, ${percentile(0.5)} AS p50, ${percentile(0.95)} AS p95 FROM ranked GROUP BY workflow`,
    queued: `SELECT queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
        MIN(CASE WHEN ready_at <= @now THEN ready_at END) AS oldest_ready_at
      FROM runs WHERE status = 'queued'${inNamespace()} GROUP BY queue`,
    waitingForHumans: `SELECT COUNT(*) AS n FROM runs
      WHERE status = 'waiting'${inNamespace()}
        AND EXISTS (SELECT 1 FROM json_each(runs.waits, '$.signals') WHERE substr(value, 1, 1) <> '$')`,
    // The LIKE skips every entry that cannot be a model call before its JSON is read; the CASE keeps
    // json_extract away from text that is not JSON.
    llm: `SELECT COUNT(*) AS calls,
        SUM(json_extract(o.output, '$.costUsd')) AS cost_usd,
        SUM(json_extract(o.output, '$.usage.inputTokens')) AS input_tokens,
        SUM(json_extract(o.output, '$.usage.outputTokens')) AS output_tokens
      FROM (
        SELECT CASE WHEN j.output LIKE '%baton.llm%' AND json_valid(j.output) THEN j.output END AS output
        FROM runs r JOIN journal j ON j.run_id = r.id
        WHERE r.created_at >= @since AND r.created_at < @until${inNamespace('r.')} AND j.status = 'completed'
      ) o
      WHERE json_extract(o.output, '$.kind') = 'baton.llm'`,
  };
}

/** The value at fractional rank `p * (n - 1)` (0-based) of each workflow's sorted durations. */
function percentile(p: number): string {
  const rank = `(${p} * (n - 1))`;
  const at = (offset: number) => `MAX(CASE WHEN i = CAST(${rank} AS INTEGER) + ${offset} THEN ms END)`;
  return `${at(0)} + (COALESCE(${at(1)}, ${at(0)}) - ${at(0)}) * (MAX(${rank}) - CAST(MAX(${rank}) AS INTEGER))`;
}
