-- Which runs a trigger started: an event's triggers (origin 'event:<seq>') and a schedule's ticks
-- and "run now" (origin 'schedule:<id>'), written in the transaction that creates the run, so an
-- event's runs and a schedule's tick history are read by origin instead of scanning runs.
CREATE TABLE started_runs (
  origin TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at     BIGINT NOT NULL,
  PRIMARY KEY (origin, run_id)
);
CREATE INDEX started_runs_by_time ON started_runs (origin, at DESC, run_id DESC);

-- Runs started before this table existed, known by the ids their triggers give them:
-- '<workflow>@event-<seq>' for an event's, '<schedule id>@<tick time>' for a schedule's.
INSERT INTO started_runs (origin, run_id, at)
  SELECT 'event:' || e.seq, r.id, r.created_at
  FROM runs r JOIN events e
    ON e.seq = CASE WHEN substr(r.id, length(r.workflow) + 8) ~ '^[0-9]{1,18}$' THEN substr(r.id, length(r.workflow) + 8)::bigint END
  WHERE r.id LIKE '%@event-%' AND r.id = r.workflow || '@event-' || e.seq
ON CONFLICT DO NOTHING;
INSERT INTO started_runs (origin, run_id, at)
  SELECT 'schedule:' || s.id, r.id, r.created_at
  FROM schedules s JOIN runs r ON substr(r.id, 1, strpos(r.id, '@') - 1) = s.id AND r.workflow = s.workflow
ON CONFLICT DO NOTHING;
