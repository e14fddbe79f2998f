-- Failed runs marked resolved: one row per run, for the failure of its failure_claim-th execution (a
-- run retried or resumed is claimed again, so when it fails again it is back in the review queue).
CREATE TABLE run_reviews (
  run_id TEXT PRIMARY KEY,
  failure_claim INTEGER NOT NULL,
  note TEXT,
  resolved_by TEXT,
  resolved_at INTEGER NOT NULL
);

-- The workflow started when a run of the namespace fails for good.
CREATE TABLE failure_workflows (
  namespace TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
