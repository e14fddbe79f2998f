-- Schedules, events, event triggers and event waits belong to a namespace; what existed belongs to
-- 'default' (event waits take their run's). An event starts only its namespace's triggers and wakes
-- only its namespace's waiting runs, so the emit's lookups are indexed by namespace and type. Event
-- ids are unique per namespace and source; schedule ids stay unique across the deployment (a tick's
-- run id is derived from the schedule id).

ALTER TABLE schedules ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
CREATE INDEX schedules_namespace ON schedules (namespace, id);

ALTER TABLE events ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
ALTER TABLE events DROP CONSTRAINT events_source_id_key;
ALTER TABLE events ADD CONSTRAINT events_namespace_source_id_key UNIQUE (namespace, source, id);
CREATE INDEX events_namespace ON events (namespace, seq);
CREATE INDEX events_namespace_type ON events (namespace, type, seq);

ALTER TABLE event_triggers ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
ALTER TABLE event_triggers DROP CONSTRAINT event_triggers_pkey;
ALTER TABLE event_triggers ADD PRIMARY KEY (namespace, workflow, n);
DROP INDEX event_triggers_type;
CREATE INDEX event_triggers_type ON event_triggers (namespace, type);

ALTER TABLE event_waits ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
UPDATE event_waits w SET namespace = r.namespace FROM runs r WHERE r.id = w.run_id AND r.namespace <> 'default';
DROP INDEX event_waits_type;
CREATE INDEX event_waits_type ON event_waits (namespace, type);
