-- The change feed: a row for each journal entry written (statement trigger on journal).
CREATE OR REPLACE FUNCTION changes_entries() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, seq, name, entry_kind, at)
  SELECT j.run_id, r.workflow, r.namespace, 'entry', j.status, j.seq, j.name, j.kind, j.ended_at
  FROM new_entries j JOIN runs r ON r.id = j.run_id;
  RETURN NULL;
END $fn$;
