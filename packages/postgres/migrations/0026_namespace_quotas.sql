-- Per-namespace quotas, set by admins: runs started per minute, runs not yet ended at once, and model
-- spend per UTC day (USD). A NULL limit is no limit; a namespace without a row has none. A start under
-- a quota locks its namespace's row, so concurrent starts are counted one after another.
CREATE TABLE namespace_quotas (
  namespace               TEXT PRIMARY KEY,
  runs_per_minute         INTEGER,
  concurrent_runs         INTEGER,
  model_spend_per_day_usd DOUBLE PRECISION,
  updated_at              BIGINT NOT NULL,
  updated_by              TEXT NOT NULL
);

-- The live runs of a namespace, counted by each start under a concurrent-runs quota.
CREATE INDEX runs_live_namespace ON runs (namespace) WHERE status IN ('queued', 'running', 'waiting');
