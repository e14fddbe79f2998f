-- The change feed: a row for each run created (statement trigger on runs).
CREATE OR REPLACE FUNCTION changes_runs_created() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, at)
  SELECT n.id, n.workflow, n.namespace, 'run', n.status, n.updated_at FROM new_runs n;
  RETURN NULL;
END $fn$;
