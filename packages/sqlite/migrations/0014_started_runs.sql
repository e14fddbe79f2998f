-- Which runs a trigger started: an event's triggers (origin 'event:<seq>') and a schedule's ticks
-- and "run now" (origin 'schedule:<id>'), written in the transaction that creates the run, so an
-- event's runs and a schedule's tick history are read by origin instead of scanning runs.
CREATE TABLE started_runs (
  origin TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at     INTEGER NOT NULL,
  PRIMARY KEY (origin, run_id)
);
CREATE INDEX started_runs_by_time ON started_runs (origin, at DESC, run_id DESC);

-- Runs started before this table existed, known by the ids their triggers give them:
-- '<workflow>@event-<seq>' for an event's, '<schedule id>@<tick time>' for a schedule's.
INSERT OR IGNORE INTO started_runs (origin, run_id, at)
  SELECT 'event:' || e.seq, r.id, r.created_at
  FROM runs r JOIN events e ON e.seq = CAST(substr(r.id, length(r.workflow) + 8) AS INTEGER)
  WHERE r.id LIKE '%@event-%' AND r.id = r.workflow || '@event-' || e.seq;
INSERT OR IGNORE INTO started_runs (origin, run_id, at)
  SELECT 'schedule:' || s.id, r.id, r.created_at
  FROM schedules s JOIN runs r ON r.id > s.id || '@' AND r.id < s.id || 'A' AND r.workflow = s.workflow;
