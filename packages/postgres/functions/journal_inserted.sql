-- What new journal entries add, in one statement trigger on journal: a change-feed row each, and the
-- hourly counts of the model calls among them, priced and unpriced. The LIKE skips every entry that
-- cannot be a model call before its JSON is read, so most inserts never join runs for the counts.
CREATE OR REPLACE FUNCTION journal_inserted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, seq, name, entry_kind, at)
  SELECT j.run_id, r.workflow, r.namespace, 'entry', j.status, j.seq, j.name, j.kind, j.ended_at
  FROM new_entries j JOIN runs r ON r.id = j.run_id;
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
