-- A durable key-value cache (LLM responses reused across runs). A value is live while expires_at is
-- after the reader's time; pruning deletes the expired ones through expires_at's index.
-- Applied with search_path set to the deployment's schema.
CREATE TABLE cache (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  hits       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX cache_expires_at ON cache (expires_at);
