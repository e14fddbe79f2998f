-- The hourly counts: model calls among journal entries, priced and unpriced (statement trigger on
-- journal); the LIKE skips every entry that cannot be one before its JSON is read.
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
