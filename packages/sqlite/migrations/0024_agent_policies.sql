-- Agent policies: per namespace, the models, tools and MCP servers its runs may use (allow and deny
-- lists, as JSON), set by admins. Runs read their namespace's policy once and journal it.
CREATE TABLE agent_policies (
  namespace  TEXT PRIMARY KEY,
  policy     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- Cost reports by tag read the tagged runs created in a period.
CREATE INDEX runs_tagged_created ON runs (created_at) WHERE tags IS NOT NULL;
