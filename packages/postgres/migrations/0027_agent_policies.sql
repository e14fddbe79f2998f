-- Agent policies: per namespace, the models, tools and MCP servers its runs may use (allow and deny
-- lists, as JSON), set by admins. Runs read their namespace's policy once and journal it.
-- Applied with search_path set to the deployment's schema.
CREATE TABLE agent_policies (
  namespace  TEXT PRIMARY KEY,
  policy     JSONB NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);

-- Cost reports by tag read the tagged runs created in a period.
CREATE INDEX runs_tagged_created ON runs (created_at) WHERE tags IS NOT NULL;
