-- Alerts: rules (kept as their JSON), each rule's state, and its transitions with their channel
-- outcomes; a generic lease-style leadership row per job that one process at a time does.
CREATE TABLE alert_rules (
  id         TEXT PRIMARY KEY,
  namespace  TEXT NOT NULL,
  -- The rule as validated (durations in ms), as JSON.
  rule       TEXT NOT NULL,
  -- 'file' (an alerts file loaded at start) or 'api'.
  source     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE alert_states (
  rule_id     TEXT PRIMARY KEY,
  firing      INTEGER NOT NULL,
  value       REAL,
  since       INTEGER NOT NULL,
  notified_at INTEGER,
  -- Grows at each transition: a transition is recorded only against the version it was decided on.
  version     INTEGER NOT NULL
);

CREATE TABLE alert_transitions (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id   TEXT NOT NULL,
  namespace TEXT NOT NULL,
  -- 'firing', 'repeat' or 'resolved'.
  kind      TEXT NOT NULL,
  value     REAL,
  threshold REAL NOT NULL,
  at        INTEGER NOT NULL,
  -- What each channel did with the notification, as JSON.
  outcomes  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX alert_transitions_rule ON alert_transitions (rule_id, id DESC);
CREATE INDEX alert_transitions_namespace ON alert_transitions (namespace, id DESC);

CREATE TABLE leaderships (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Runs running since before a bound (the 'stuck' condition), and failed runs by end time (failed
-- steps, DSL error types), each from a partial index.
CREATE INDEX runs_running_since ON runs (started_at) WHERE status = 'running';
CREATE INDEX runs_failed_ended ON runs (ended_at, namespace) WHERE status = 'failed';
