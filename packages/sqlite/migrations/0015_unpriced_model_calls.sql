-- Model calls whose model has no known price (a journaled 'baton.llm' result with "priced": false that
-- is not a cache hit) cost an unknown amount, not $0: the hourly counts keep how many there were, so
-- the overview can say "unknown" as the run detail does. The trigger of migration 0011 is replaced by
-- one that also counts them.
ALTER TABLE run_stats ADD COLUMN llm_unpriced_calls INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER run_stats_llm;

CREATE TRIGGER run_stats_llm AFTER INSERT ON journal
WHEN new.status = 'completed' AND new.output LIKE '%baton.llm%' AND json_valid(new.output) AND json_extract(new.output, '$.kind') = 'baton.llm' BEGIN
  INSERT INTO run_stats (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens, llm_unpriced_calls)
  SELECT created_at - created_at % 3600000, namespace, workflow, 1,
    COALESCE(json_extract(new.output, '$.costUsd'), 0),
    COALESCE(json_extract(new.output, '$.usage.inputTokens'), 0),
    COALESCE(json_extract(new.output, '$.usage.outputTokens'), 0),
    json_type(new.output, '$.priced') IS 'false' AND json_type(new.output, '$.cached') IS NOT 'true'
  FROM runs WHERE id = new.run_id
  ON CONFLICT DO UPDATE SET llm_calls = llm_calls + 1, llm_cost_usd = llm_cost_usd + excluded.llm_cost_usd,
    llm_input_tokens = llm_input_tokens + excluded.llm_input_tokens, llm_output_tokens = llm_output_tokens + excluded.llm_output_tokens,
    llm_unpriced_calls = llm_unpriced_calls + excluded.llm_unpriced_calls;
END;

-- The unpriced calls already journaled, counted into the hours their runs were created in (the hours
-- 0011 counted them in). Calls of runs deleted since stay counted as priced: their journal is gone.
INSERT INTO run_stats (hour, namespace, workflow, llm_unpriced_calls)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*)
  FROM journal j JOIN runs r ON r.id = j.run_id
  WHERE j.status = 'completed' AND j.output LIKE '%baton.llm%' AND json_valid(j.output) AND json_extract(j.output, '$.kind') = 'baton.llm'
    AND json_type(j.output, '$.priced') IS 'false' AND json_type(j.output, '$.cached') IS NOT 'true'
  GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET llm_unpriced_calls = excluded.llm_unpriced_calls;
