-- Namespaces and tags of runs, the audit log, and the change feed that live updates read.

ALTER TABLE runs ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
-- A JSON array of strings; NULL for none.
ALTER TABLE runs ADD COLUMN tags TEXT;
CREATE INDEX runs_namespace ON runs (namespace, created_at DESC, id DESC);

CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  actor     TEXT NOT NULL,
  namespace TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  result    TEXT NOT NULL,
  detail    TEXT,
  at        INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Every run status change and journal entry, in commit order (one writer at a time). Ids grow with
-- each insert; pruning always keeps the newest change, so an id is never given out twice and
-- readers' cursors stay valid.
CREATE TABLE changes (
  id         INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL,
  workflow   TEXT NOT NULL,
  namespace  TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  seq        INTEGER,
  name       TEXT,
  entry_kind TEXT,
  at         INTEGER NOT NULL
);

CREATE TRIGGER changes_run_created AFTER INSERT ON runs BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, at)
  VALUES (NEW.id, NEW.workflow, NEW.namespace, 'run', NEW.status, NEW.updated_at);
END;

CREATE TRIGGER changes_run_status AFTER UPDATE OF status ON runs WHEN OLD.status <> NEW.status BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, at)
  VALUES (NEW.id, NEW.workflow, NEW.namespace, 'run', NEW.status, NEW.updated_at);
END;

CREATE TRIGGER changes_entry AFTER INSERT ON journal BEGIN
  INSERT INTO changes (run_id, workflow, namespace, kind, status, seq, name, entry_kind, at)
  SELECT NEW.run_id, r.workflow, r.namespace, 'entry', NEW.status, NEW.seq, NEW.name, NEW.kind, NEW.ended_at
  FROM runs r WHERE r.id = NEW.run_id;
END;
