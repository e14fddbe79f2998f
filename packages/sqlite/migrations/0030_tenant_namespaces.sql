-- API keys that may act in further namespaces besides their own: a JSON list of names, or ["*"] for
-- every namespace. Null (every key made before) is a key of its own namespace only.
ALTER TABLE api_keys ADD COLUMN namespaces TEXT;

-- Deployed definitions belong to the tenant namespace of the key that deployed them; those deployed
-- before belong to 'default'. A definition's workflow name carries its namespace outside 'default',
-- so (name, version) stays the key.
ALTER TABLE definitions ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
CREATE INDEX definitions_namespace ON definitions (namespace, name);
