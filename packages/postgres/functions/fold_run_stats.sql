-- Moves the deltas into the hourly counts, in key order (two folds never wait on each other in a cycle).
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
