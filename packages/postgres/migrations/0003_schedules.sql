-- Cron schedules: declared in code (source 'code') or created through a client ('api'). next_at is
-- the next tick (NULL while paused); each tick's run id is derived from the schedule and the tick.

CREATE TABLE schedules (
  id            TEXT PRIMARY KEY,
  workflow      TEXT NOT NULL,
  cron          TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  input         TEXT NOT NULL,
  overlap       TEXT NOT NULL,
  catchup       TEXT NOT NULL,
  catchup_limit INTEGER NOT NULL,
  queue         TEXT NOT NULL,
  priority      INTEGER NOT NULL,
  paused        INTEGER NOT NULL DEFAULT 0,
  source        TEXT NOT NULL,
  next_at       BIGINT,
  last_tick_at  BIGINT,
  last_run_id   TEXT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_at) WHERE next_at IS NOT NULL;

-- A run held until another ends (a schedule's buffered or backfilled run): queued, not ready, until then.
ALTER TABLE runs ADD COLUMN after_run TEXT;
CREATE INDEX runs_after ON runs (after_run) WHERE after_run IS NOT NULL;
