-- Events: the event log (CloudEvents-shaped, deduplicated by source and id), the workflows' triggers,
-- and the runs waiting for an event (registered before they wait, so no event after that is missed).

CREATE TABLE events (
  seq         BIGSERIAL PRIMARY KEY,
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  source      TEXT NOT NULL,
  subject     TEXT,
  time        BIGINT NOT NULL,
  data        TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  UNIQUE (source, id)
);
CREATE INDEX events_type ON events (type, seq);

CREATE TABLE event_triggers (
  workflow TEXT NOT NULL,
  n        INTEGER NOT NULL,
  type     TEXT NOT NULL,
  match    TEXT,
  input    TEXT NOT NULL,
  queue    TEXT NOT NULL,
  priority INTEGER NOT NULL,
  PRIMARY KEY (workflow, n)
);
CREATE INDEX event_triggers_type ON event_triggers (type);

CREATE TABLE event_waits (
  run_id     TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  type       TEXT NOT NULL,
  match      TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX event_waits_type ON event_waits (type);
