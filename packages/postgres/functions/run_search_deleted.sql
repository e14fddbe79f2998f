-- The search index: drops the rows of deleted runs (statement trigger on runs).
CREATE OR REPLACE FUNCTION run_search_deleted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  DELETE FROM run_search s USING old_runs o WHERE s.run_id = o.id;
  RETURN NULL;
END $fn$;
