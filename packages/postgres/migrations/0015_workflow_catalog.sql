-- The workflow catalog: every workflow version an engine has registered on this store (or, later, a
-- declarative definition deployed into it), so a process that does not run a workflow can still
-- tell a known name from a typo. Shared by every namespace. Entries are never removed: a workflow
-- dropped from the code stays known, and its runs wait for a worker that has it again.
CREATE TABLE workflow_catalog (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  -- Where the entry comes from: 'code' (registered by an engine at start).
  kind TEXT NOT NULL,
  description TEXT,
  queue TEXT NOT NULL,
  -- JSON Schemas as JSON text: the input, and the signals ({ name: schema }).
  input_schema TEXT,
  signals TEXT,
  -- True for the version the latest registration of this name made current.
  is_current BOOLEAN NOT NULL DEFAULT false,
  registered_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
