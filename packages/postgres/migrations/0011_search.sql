-- The runs list's search (text in a run's id or the first 2,048 characters of its input,
-- SEARCHED_INPUT_CHARS) reads run_search: each run's id and the start of its input, written once when
-- the run is created and never updated (an index on the runs table itself would be written again at
-- every change of a run), with trigram indexes from the pg_trgm extension. An extension belongs to
-- the database, not to a schema: it is installed once, in `public`, by the first deployment that can,
-- and found wherever it is. Without it (no privilege to install it), searches still work, by scanning.
-- Applied with search_path set to the deployment's schema.
CREATE TABLE run_search (
  run_id     TEXT PRIMARY KEY,
  input_head TEXT NOT NULL
);

INSERT INTO run_search (run_id, input_head) SELECT id, left(input, 2048) FROM runs;

CREATE FUNCTION run_search_created() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_search (run_id, input_head) SELECT id, left(input, 2048) FROM new_runs;
  RETURN NULL;
END $fn$;
CREATE TRIGGER run_search_created AFTER INSERT ON runs REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_search_created();

CREATE FUNCTION run_search_deleted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  DELETE FROM run_search s USING old_runs o WHERE s.run_id = o.id;
  RETURN NULL;
END $fn$;
CREATE TRIGGER run_search_deleted AFTER DELETE ON runs REFERENCING OLD TABLE AS old_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_search_deleted();

DO $$
DECLARE
  trgm_schema text;
BEGIN
  SELECT extnamespace::regnamespace::text INTO trgm_schema FROM pg_extension WHERE extname = 'pg_trgm';
  IF trgm_schema IS NULL THEN
    BEGIN
      CREATE EXTENSION pg_trgm WITH SCHEMA public;
    EXCEPTION
      -- Another deployment installed it meanwhile: use theirs.
      WHEN unique_violation OR duplicate_object THEN NULL;
      WHEN insufficient_privilege OR undefined_file OR invalid_schema_name OR feature_not_supported THEN
        RAISE NOTICE 'pg_trgm could not be installed (%): run searches will scan', SQLERRM;
        RETURN;
    END;
    SELECT extnamespace::regnamespace::text INTO trgm_schema FROM pg_extension WHERE extname = 'pg_trgm';
  END IF;
  EXECUTE format('CREATE INDEX run_search_id ON run_search USING gin (run_id %s.gin_trgm_ops)', trgm_schema);
  EXECUTE format('CREATE INDEX run_search_input ON run_search USING gin (input_head %s.gin_trgm_ops)', trgm_schema);
END $$;
