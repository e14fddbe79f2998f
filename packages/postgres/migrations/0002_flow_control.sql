-- Flow control: a run's own limits (a concurrency key with its limit, a start rate limiter), queue
-- definitions with their limits, the rate limiters' state, debounced runs and throttle periods.

ALTER TABLE runs ADD COLUMN concurrency_key TEXT;
ALTER TABLE runs ADD COLUMN concurrency_limit INTEGER;
ALTER TABLE runs ADD COLUMN rate_key TEXT;
ALTER TABLE runs ADD COLUMN rate_limit TEXT;
ALTER TABLE runs ADD COLUMN debounce_key TEXT;

CREATE TABLE queues (
  name        TEXT PRIMARY KEY,
  concurrency INTEGER,
  rate_limit  TEXT,
  updated_at  BIGINT NOT NULL
);

-- One generic-cell-rate limiter per key: its theoretical arrival time.
CREATE TABLE rate_limiters (
  key TEXT PRIMARY KEY,
  tat DOUBLE PRECISION NOT NULL
);

-- Slots held: running runs by queue and by concurrency key.
CREATE INDEX runs_running_queue ON runs (queue) WHERE status = 'running';
CREATE INDEX runs_running_key ON runs (concurrency_key) WHERE status = 'running' AND concurrency_key IS NOT NULL;
-- Runs with limits of their own that a claim may admit, and when.
CREATE INDEX runs_limited ON runs (ready_at) WHERE ready_at IS NOT NULL AND (concurrency_key IS NOT NULL OR rate_key IS NOT NULL);
-- Queued runs due later (debounced, held back by a rate limit): the engines' wake timers look here.
CREATE INDEX runs_queued_at ON runs (ready_at) WHERE status = 'queued';
-- At most one pending (never started) debounced run per key: later starts coalesce into it.
CREATE UNIQUE INDEX runs_debounce ON runs (debounce_key) WHERE debounce_key IS NOT NULL AND status = 'queued' AND claims = 0;

-- The run each throttle key started in its current period, and when the period ends.
CREATE TABLE throttles (
  key    TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  until  BIGINT NOT NULL
);
