-- The change feed: a row for each run status change (row trigger on runs, only when the status changes).
CREATE OR REPLACE FUNCTION changes_run_status() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, at) VALUES (NEW.id, NEW.workflow, NEW.namespace, 'run', NEW.status, NEW.updated_at);
  RETURN NULL;
END $fn$;
