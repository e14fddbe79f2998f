-- Schedules, events, event triggers and event waits belong to a namespace; what existed belongs to
-- 'default' (event waits take their run's). An event starts only its namespace's triggers and wakes
-- only its namespace's waiting runs, so the emit's lookups are indexed by namespace and type. Event
-- ids are unique per namespace and source; schedule ids stay unique across the deployment (a tick's
-- run id is derived from the schedule id).

ALTER TABLE schedules ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
CREATE INDEX schedules_namespace ON schedules (namespace, id);

-- The event log is rebuilt for its new uniqueness, keeping every seq and the log's counter: a seq is
-- never given twice (the runs an event's triggers start are named after it).
CREATE TABLE events_by_namespace (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  namespace   TEXT NOT NULL DEFAULT 'default',
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  source      TEXT NOT NULL,
  subject     TEXT,
  time        INTEGER NOT NULL,
  data        TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (namespace, source, id)
);
INSERT INTO events_by_namespace (seq, namespace, id, type, source, subject, time, data, received_at)
  SELECT seq, 'default', id, type, source, subject, time, data, received_at FROM events ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'events_by_namespace';
INSERT INTO sqlite_sequence (name, seq) SELECT 'events_by_namespace', seq FROM sqlite_sequence WHERE name = 'events';
DROP TABLE events;
ALTER TABLE events_by_namespace RENAME TO events;
CREATE INDEX events_type ON events (type, seq);
CREATE INDEX events_namespace ON events (namespace, seq);
CREATE INDEX events_namespace_type ON events (namespace, type, seq);

CREATE TABLE event_triggers_by_namespace (
  namespace TEXT NOT NULL DEFAULT 'default',
  workflow  TEXT NOT NULL,
  n         INTEGER NOT NULL,
  type      TEXT NOT NULL,
  match     TEXT,
  input     TEXT NOT NULL,
  queue     TEXT NOT NULL,
  priority  INTEGER NOT NULL,
  PRIMARY KEY (namespace, workflow, n)
);
INSERT INTO event_triggers_by_namespace (namespace, workflow, n, type, match, input, queue, priority)
  SELECT 'default', workflow, n, type, match, input, queue, priority FROM event_triggers;
DROP TABLE event_triggers;
ALTER TABLE event_triggers_by_namespace RENAME TO event_triggers;
CREATE INDEX event_triggers_type ON event_triggers (namespace, type);

ALTER TABLE event_waits ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
UPDATE event_waits SET namespace = (SELECT r.namespace FROM runs r WHERE r.id = event_waits.run_id)
  WHERE EXISTS (SELECT 1 FROM runs r WHERE r.id = event_waits.run_id AND r.namespace <> 'default');
DROP INDEX event_waits_type;
CREATE INDEX event_waits_type ON event_waits (namespace, type);
