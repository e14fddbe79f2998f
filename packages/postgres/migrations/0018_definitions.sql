-- Deployed definitions: declarative workflows (Serverless Workflow documents) deployed at run time,
-- one row per (workflow name, document.version). A version never changes once deployed.
CREATE TABLE definitions (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  -- 'yaml' or 'json': what source is written in.
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  -- The parsed document as JSON text.
  document TEXT NOT NULL,
  -- 'sha256:<hex>' of source: the same text deployed again is a no-op, another text a conflict.
  digest TEXT NOT NULL,
  description TEXT,
  -- What starts its runs besides a start call, comma-separated: cron, every, after, event.
  triggers TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  -- The deploy counter: one more than the largest so far (deploys take a lock); workers poll for what is new by it.
  seq BIGINT NOT NULL UNIQUE,
  PRIMARY KEY (name, version)
);
