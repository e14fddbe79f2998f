-- The workflow catalog keeps each version's output JSON Schema (JSON text) beside its input's, so the
-- planner and the API can say what a call to that workflow returns.
-- Applied with search_path set to the deployment's schema.
ALTER TABLE workflow_catalog ADD COLUMN output_schema TEXT;
