/**
 * The overview's aggregates on SQLite (see Store.overview and overviewPlan): each a single statement
 * over an index range. From the hourly counts (run_stats, run_duration_stats: migrations 0011 and 0015), hours
 * `[@since, @statsUntil)`; from the runs, `[@from, @until)`: runs created (runs_created /
 * runs_namespace), runs ended (runs_ended, which covers them), model calls in the journals of runs
 * created. Queued runs and runs waiting for people are counted from their partial indexes. Exact
 * percentiles interpolate linearly between the two nearest ranks, as PostgreSQL's percentile_cont does.
 */
import { DURATION_BIN_BASE } from '@baton/core/store-kit';

/** A run's duration bin (see DURATION_BIN_BASE), as migration 0011's triggers compute it. */
const DURATION_BIN = `CAST(ln(1 + MAX(0, ended_at - created_at)) / ln(${DURATION_BIN_BASE}) AS INTEGER)`;

/** A model call whose model has no known price (not a cache hit), as migration 0015's trigger counts it. */
const UNPRICED = `json_type(o.output, '$.priced') IS 'false' AND json_type(o.output, '$.cached') IS NOT 'true'`;

/** Waiting for a person: the expression of the partial index runs_waiting_person (migration 0011). */
const WAITING_FOR_PERSON = `status = 'waiting' AND json_extract(waits, '$.signals') GLOB '*[[,]"[^$]*'`;

/** The overview's statements, with or without a namespace condition (two plans, each using its index). */
export function overviewQueries(namespaced: boolean) {
  const inNamespace = (alias = '') => (namespaced ? ` AND ${alias}namespace = @namespace` : '');
  const created = `created_at >= @from AND created_at < @until${inNamespace()}`;
  const ended = `ended_at >= @from AND ended_at < @until${inNamespace()} AND status IN ('completed', 'failed', 'cancelled')`;
  const hours = `hour >= @since AND hour < @statsUntil${inNamespace()}`;
  return {
    stats: `SELECT CAST((hour - @since) / @bucketMs AS INTEGER) AS bucket, workflow,
        SUM(started) AS started, SUM(completed) AS completed, SUM(failed) AS failed, SUM(cancelled) AS cancelled
      FROM run_stats WHERE ${hours} GROUP BY bucket, workflow`,
    durationBins: `SELECT workflow, bin, SUM(n) AS n FROM (
        SELECT workflow, bin, n FROM run_duration_stats WHERE ${hours}
        UNION ALL
        SELECT workflow, ${DURATION_BIN} AS bin, 1 AS n FROM runs INDEXED BY runs_ended WHERE ${ended}
      ) GROUP BY workflow, bin`,
    llmStats: `SELECT SUM(llm_calls) AS calls, SUM(llm_cost_usd) AS cost_usd, SUM(llm_input_tokens) AS input_tokens,
        SUM(llm_output_tokens) AS output_tokens, SUM(llm_unpriced_calls) AS unpriced_calls
      FROM run_stats WHERE ${hours}`,
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
      FROM runs INDEXED BY runs_queued_depth WHERE status = 'queued'${inNamespace()} GROUP BY queue`,
    waitingForHumans: `SELECT COUNT(*) AS n FROM runs INDEXED BY runs_waiting_person WHERE ${WAITING_FOR_PERSON}${inNamespace()}`,
    // The LIKE skips every entry that cannot be a model call before its JSON is read; the CASE keeps
    // json_extract away from text that is not JSON.
    llm: `SELECT COUNT(*) AS calls,
        SUM(json_extract(o.output, '$.costUsd')) AS cost_usd,
        SUM(json_extract(o.output, '$.usage.inputTokens')) AS input_tokens,
        SUM(json_extract(o.output, '$.usage.outputTokens')) AS output_tokens,
        SUM(${UNPRICED}) AS unpriced_calls
      FROM (
        SELECT CASE WHEN j.output LIKE '%baton.llm%' AND json_valid(j.output) THEN j.output END AS output
        FROM runs r JOIN journal j ON j.run_id = r.id
        WHERE r.created_at >= @from AND r.created_at < @until${inNamespace('r.')} AND j.status = 'completed'
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
