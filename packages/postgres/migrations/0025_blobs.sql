-- Blobs: large payloads (uploaded inputs, spilled results, signals and events) in the database, for
-- deployments that keep everything in PostgreSQL. A blob is a row describing it and its bytes in
-- chunks of at most 1 MiB (bytea), written in one transaction: a reader sees all of it or none of it,
-- and deleting the row deletes the chunks. Chunks rather than large objects: they are deleted with
-- their row (large objects need lo_unlink or vacuumlo, or they leak), need no special privileges,
-- stream with ordinary queries one chunk at a time, and go through any connection pooler.
CREATE TABLE blobs (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  -- The run the blob belongs to; NULL for an upload not yet attached to a run.
  run_id TEXT,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX blobs_by_run ON blobs (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX blobs_by_age ON blobs (created_at, id);

CREATE TABLE blob_chunks (
  blob_id TEXT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (blob_id, n)
);
