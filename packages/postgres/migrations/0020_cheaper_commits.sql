-- Cheaper commits. Every trigger call, PL/pgSQL call and index entry is paid on each commit of a run,
-- so without changing what is written:
-- - what a run and a journal entry add beside their rows (change feed, search, hourly counts) is done
--   by one trigger per table and event instead of one per concern;
-- - the group commit is one function, apply_batch, instead of a wrapper around apply_batch_0010;
-- - run search keeps one trigram index over both searched columns instead of one per column (a search
--   reads it as it read the two; a new run adds one index entry to it instead of two).
-- Applied with search_path set to the deployment's schema.
DROP TRIGGER changes_runs_created ON runs;
DROP TRIGGER run_search_created ON runs;
DROP TRIGGER run_stats_created ON runs;
DROP TRIGGER changes_run_status ON runs;
DROP TRIGGER run_stats_ended ON runs;
DROP TRIGGER changes_entries ON journal;
DROP TRIGGER run_stats_llm ON journal;
DROP FUNCTION changes_runs_created();
DROP FUNCTION run_search_created();
DROP FUNCTION run_stats_created();
DROP FUNCTION changes_run_status();
DROP FUNCTION run_stats_ended();
DROP FUNCTION changes_entries();
DROP FUNCTION run_stats_llm();

-- @function runs_inserted
CREATE TRIGGER runs_inserted AFTER INSERT ON runs REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_inserted();

-- @function run_status_changed
CREATE TRIGGER run_status_changed AFTER UPDATE OF status, ended_at ON runs FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR (NEW.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at AND NEW.status IN ('completed', 'failed', 'cancelled')))
  EXECUTE FUNCTION run_status_changed();

-- @function journal_inserted
CREATE TRIGGER journal_inserted AFTER INSERT ON journal REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION journal_inserted();

-- @function apply_batch
DROP FUNCTION apply_batch_0010(jsonb, bigint, text);

-- Only where 0011 could make the trigram indexes (pg_trgm installed); elsewhere searches scan, as before.
DO $$
DECLARE
  trgm_schema text;
BEGIN
  SELECT extnamespace::regnamespace::text INTO trgm_schema FROM pg_extension WHERE extname = 'pg_trgm';
  IF trgm_schema IS NOT NULL AND (to_regclass('run_search_id') IS NOT NULL OR to_regclass('run_search_input') IS NOT NULL) THEN
    DROP INDEX IF EXISTS run_search_id;
    DROP INDEX IF EXISTS run_search_input;
    EXECUTE format('CREATE INDEX run_search_text ON run_search USING gin (run_id %1$s.gin_trgm_ops, input_head %1$s.gin_trgm_ops)', trgm_schema);
  END IF;
END $$;
