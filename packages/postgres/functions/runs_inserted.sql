-- What a new run adds beside its row, in one statement trigger on runs (one call per insert statement
-- instead of one per concern): its change-feed row, its search row (id and the start of its input),
-- and the hourly counts of runs created and of runs written already ended (an import).
CREATE OR REPLACE FUNCTION runs_inserted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, at)
  SELECT n.id, n.workflow, n.namespace, 'run', n.status, n.updated_at FROM new_runs n;
  INSERT INTO run_search (run_id, input_head) SELECT id, left(input, 2048) FROM new_runs;
  INSERT INTO run_stats_delta (hour, namespace, workflow, started)
  SELECT created_at - created_at % 3600000, namespace, workflow, COUNT(*) FROM new_runs GROUP BY 1, 2, 3;
  INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  SELECT ended_at - ended_at % 3600000, namespace, workflow, COUNT(*) FILTER (WHERE status = 'completed'),
    COUNT(*) FILTER (WHERE status = 'failed'), COUNT(*) FILTER (WHERE status = 'cancelled'), duration_bin(ended_at - created_at)
  FROM new_runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3, 7;
  RETURN NULL;
END $fn$;
