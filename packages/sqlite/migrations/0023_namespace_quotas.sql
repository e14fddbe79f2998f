-- Per-namespace quotas, set by admins: runs started per minute, runs not yet ended at once, and model
-- spend per UTC day (USD). A NULL limit is no limit; a namespace without a row has none.
CREATE TABLE namespace_quotas (
  namespace               TEXT PRIMARY KEY,
  runs_per_minute         INTEGER,
  concurrent_runs         INTEGER,
  model_spend_per_day_usd REAL,
  updated_at              INTEGER NOT NULL,
  updated_by              TEXT NOT NULL
) WITHOUT ROWID;

-- The live runs of a namespace, counted by each start under a concurrent-runs quota.
CREATE INDEX runs_live_namespace ON runs (namespace) WHERE status IN ('queued', 'running', 'waiting');
