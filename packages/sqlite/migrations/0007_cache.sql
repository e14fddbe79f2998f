-- A durable key-value cache (LLM responses reused across runs). A value is live while expires_at is
-- after the reader's time; pruning deletes the expired ones through expires_at's index.
CREATE TABLE cache (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  hits       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cache_expires_at ON cache (expires_at);
