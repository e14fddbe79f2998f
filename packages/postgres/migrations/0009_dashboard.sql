-- What the dashboard reads: runs by end time (the overview's ended counts and durations, covered by
-- the index), waiting runs by when they began to wait (the approval inbox), and inbox claims.
-- Applied with search_path set to the deployment's schema.

CREATE INDEX runs_ended ON runs (ended_at, namespace, workflow, status, created_at) WHERE ended_at IS NOT NULL;
CREATE INDEX runs_waiting ON runs (updated_at, id) WHERE status = 'waiting';

-- Who handles a run waiting for a person: kept until released.
CREATE TABLE inbox_claims (
  run_id     TEXT PRIMARY KEY,
  assignee   TEXT NOT NULL,
  claimed_by TEXT NOT NULL,
  claimed_at BIGINT NOT NULL
);

-- A payload as jsonb, or NULL when it is not JSON (the overview reads model calls' results with it).
CREATE FUNCTION jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $fn$;
