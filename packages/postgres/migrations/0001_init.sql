-- Baton schema, version 1 (PostgreSQL). The same tables and columns as the SQLite store.
-- Applied with search_path set to the deployment's schema.

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  workflow         TEXT NOT NULL,
  version          TEXT NOT NULL,
  status           TEXT NOT NULL,
  input            TEXT NOT NULL,
  output           TEXT,
  error            TEXT,
  queue            TEXT NOT NULL,
  priority         INTEGER NOT NULL DEFAULT 0,
  parent_id        TEXT,
  parent_seq       INTEGER,
  continued_from   TEXT,
  continued_to     TEXT,
  progress         TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  cancel_error     TEXT,
  phase            TEXT NOT NULL DEFAULT 'body',
  end_status       TEXT,
  wake_at          BIGINT,
  waits            TEXT,
  -- When the run can be claimed: queued -> when queued; waiting -> its wake time (NULL: only a
  -- signal or child wakes it); running -> when its lease expires; ended -> NULL.
  ready_at         BIGINT,
  lease_owner      TEXT,
  lease_token      TEXT,
  lease_expires_at BIGINT,
  claims           INTEGER NOT NULL DEFAULT 0,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  started_at       BIGINT,
  ended_at         BIGINT
);

CREATE INDEX runs_queued ON runs (priority DESC, ready_at) WHERE status = 'queued';
CREATE INDEX runs_due ON runs (ready_at) WHERE ready_at IS NOT NULL AND status <> 'queued';
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_workflow ON runs (workflow, created_at DESC);
CREATE INDEX runs_status ON runs (status, created_at DESC);
CREATE INDEX runs_parent ON runs (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE journal (
  run_id      TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL,
  output      TEXT,
  error       TEXT,
  attempts    INTEGER NOT NULL,
  started_at  BIGINT NOT NULL,
  ended_at    BIGINT NOT NULL,
  compensates INTEGER,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE journal_history (
  run_id       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  status       TEXT NOT NULL,
  output       TEXT,
  error        TEXT,
  attempts     INTEGER NOT NULL,
  started_at   BIGINT NOT NULL,
  ended_at     BIGINT NOT NULL,
  compensates  INTEGER,
  set_aside_at BIGINT NOT NULL
);
CREATE INDEX journal_history_run ON journal_history (run_id, seq);

CREATE TABLE signals (
  id         BIGSERIAL PRIMARY KEY,
  run_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  consumed   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX signals_run ON signals (run_id, consumed, id);

CREATE TABLE step_retries (
  run_id          TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  error           TEXT,
  PRIMARY KEY (run_id, seq)
);
