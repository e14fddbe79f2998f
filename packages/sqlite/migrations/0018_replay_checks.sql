-- Replay checks: what a process holding candidate code found when it replayed runs' journals against
-- it (the server never has the code, it keeps the reports). One row per report, one result per run.
CREATE TABLE replay_checks (
  -- Orders checks recorded in the same millisecond.
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  -- What code was checked: a commit, a build or a release name.
  candidate TEXT NOT NULL,
  checked_by TEXT NOT NULL,
  namespace TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  diverged INTEGER NOT NULL
);

-- Each run keeps the results of its latest 20 checks; older ones are deleted when a new one comes.
CREATE TABLE replay_results (
  check_seq INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  -- The result's place in its report.
  position INTEGER NOT NULL,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  positions INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  -- For a run that replays: 'returned', 'threw' or 'frontier'.
  ended TEXT,
  -- For a run that diverges: where, what the journal holds, what the code asked for, and why.
  seq INTEGER,
  journaled TEXT,
  requested TEXT,
  code TEXT,
  message TEXT,
  source TEXT,
  PRIMARY KEY (run_id, check_seq)
) WITHOUT ROWID;
CREATE INDEX replay_results_check ON replay_results (check_seq, position);
