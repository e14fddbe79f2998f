-- What a run's change of status adds, in one row trigger on runs (its WHEN clause keeps it out of
-- every other update): the change-feed row, and when the run ends, its hourly count and duration.
CREATE OR REPLACE FUNCTION run_status_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO changes (run_id, workflow, namespace, kind, status, at) VALUES (NEW.id, NEW.workflow, NEW.namespace, 'run', NEW.status, NEW.updated_at);
  END IF;
  IF NEW.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at AND NEW.status IN ('completed', 'failed', 'cancelled') THEN
    INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
    VALUES (NEW.ended_at - NEW.ended_at % 3600000, NEW.namespace, NEW.workflow, (NEW.status = 'completed')::int,
      (NEW.status = 'failed')::int, (NEW.status = 'cancelled')::int, duration_bin(NEW.ended_at - NEW.created_at));
  END IF;
  RETURN NULL;
END $fn$;
