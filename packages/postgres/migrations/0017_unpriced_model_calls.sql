-- Model calls whose model has no known price (a journaled 'baton.llm' result with "priced": false that
-- is not a cache hit) cost an unknown amount, not $0: the hourly counts keep how many there were, so
-- the overview can say "unknown" as the run detail does. The functions of migration 0012 that count
-- model calls and fold the deltas are replaced by ones that also count them (their triggers stay).
-- Applied with search_path set to the deployment's schema.
ALTER TABLE run_stats ADD COLUMN llm_unpriced_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE run_stats_delta ADD COLUMN llm_unpriced_calls BIGINT NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION fold_run_stats() RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  WITH moved AS (
    DELETE FROM run_stats_delta RETURNING *
  ), counts AS (
    INSERT INTO run_stats AS s (hour, namespace, workflow, started, completed, failed, cancelled, llm_calls, llm_cost_usd, llm_input_tokens,
      llm_output_tokens, llm_unpriced_calls)
    SELECT hour, namespace, workflow, SUM(started), SUM(completed), SUM(failed), SUM(cancelled),
      SUM(llm_calls), SUM(llm_cost_usd), SUM(llm_input_tokens), SUM(llm_output_tokens), SUM(llm_unpriced_calls)
    FROM moved GROUP BY hour, namespace, workflow ORDER BY hour, namespace, workflow
    ON CONFLICT (hour, namespace, workflow) DO UPDATE SET
      started = s.started + excluded.started, completed = s.completed + excluded.completed,
      failed = s.failed + excluded.failed, cancelled = s.cancelled + excluded.cancelled,
      llm_calls = s.llm_calls + excluded.llm_calls, llm_cost_usd = s.llm_cost_usd + excluded.llm_cost_usd,
      llm_input_tokens = s.llm_input_tokens + excluded.llm_input_tokens, llm_output_tokens = s.llm_output_tokens + excluded.llm_output_tokens,
      llm_unpriced_calls = s.llm_unpriced_calls + excluded.llm_unpriced_calls
  )
  INSERT INTO run_duration_stats AS d (hour, namespace, workflow, bin, n)
  SELECT hour, namespace, workflow, bin, SUM(completed + failed + cancelled)
  FROM moved WHERE bin IS NOT NULL GROUP BY hour, namespace, workflow, bin ORDER BY hour, namespace, workflow, bin
  ON CONFLICT (hour, namespace, workflow, bin) DO UPDATE SET n = d.n + excluded.n;
END $fn$;

-- Model calls among journal entries; the LIKE skips every entry that cannot be one before its JSON is read.
CREATE OR REPLACE FUNCTION run_stats_llm() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens, llm_unpriced_calls)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*),
    COALESCE(SUM((o.output ->> 'costUsd')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'inputTokens')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'outputTokens')::float8), 0),
    COUNT(*) FILTER (WHERE o.output -> 'priced' = 'false'::jsonb AND o.output -> 'cached' IS DISTINCT FROM 'true'::jsonb)
  FROM (SELECT run_id, jsonb_or_null(output) AS output FROM new_entries WHERE status = 'completed' AND output LIKE '%baton.llm%') o
  JOIN runs r ON r.id = o.run_id
  WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $fn$;

-- The unpriced calls already journaled, counted into the hours their runs were created in (the hours
-- 0012 counted them in). Calls of runs deleted since stay counted as priced: their journal is gone.
INSERT INTO run_stats_delta (hour, namespace, workflow, llm_unpriced_calls)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*)
  FROM (SELECT run_id, jsonb_or_null(output) AS output FROM journal WHERE status = 'completed' AND output LIKE '%baton.llm%') o
  JOIN runs r ON r.id = o.run_id
  WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
    AND o.output -> 'priced' = 'false'::jsonb AND o.output -> 'cached' IS DISTINCT FROM 'true'::jsonb
  GROUP BY 1, 2, 3;

SELECT fold_run_stats();
