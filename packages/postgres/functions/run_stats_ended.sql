-- The hourly counts: runs that end (row trigger on runs, only when a run ends).
CREATE OR REPLACE FUNCTION run_stats_ended() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  VALUES (NEW.ended_at - NEW.ended_at % 3600000, NEW.namespace, NEW.workflow, (NEW.status = 'completed')::int,
    (NEW.status = 'failed')::int, (NEW.status = 'cancelled')::int, duration_bin(NEW.ended_at - NEW.created_at));
  RETURN NULL;
END $fn$;
