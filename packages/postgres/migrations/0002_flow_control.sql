-- Flow control: a run's own limits (a concurrency key with its limit, a start rate limiter), queue
-- definitions with their limits, and the rate limiters' state.

ALTER TABLE runs ADD COLUMN concurrency_key TEXT;
ALTER TABLE runs ADD COLUMN concurrency_limit INTEGER;
ALTER TABLE runs ADD COLUMN rate_key TEXT;
ALTER TABLE runs ADD COLUMN rate_limit TEXT;

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
