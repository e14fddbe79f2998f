-- The hourly counts: runs created, and runs written already ended (an import), a row per hour, namespace
-- and workflow (statement trigger on runs).
CREATE OR REPLACE FUNCTION run_stats_created() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, started)
  SELECT created_at - created_at % 3600000, namespace, workflow, COUNT(*) FROM new_runs GROUP BY 1, 2, 3;
  INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  SELECT ended_at - ended_at % 3600000, namespace, workflow, COUNT(*) FILTER (WHERE status = 'completed'),
    COUNT(*) FILTER (WHERE status = 'failed'), COUNT(*) FILTER (WHERE status = 'cancelled'), duration_bin(ended_at - created_at)
  FROM new_runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3, 7;
  RETURN NULL;
END $fn$;
