-- Runs by tag: a GIN index over the tags of the runs that have some (runs without tags, the common
-- case, are not in it and cost it nothing). A tag's few keys per run are cheap to write, unlike the
-- trigrams of an input. Applied with search_path set to the deployment's schema.
CREATE INDEX runs_tags ON runs USING gin ((tags::jsonb)) WHERE tags IS NOT NULL;
