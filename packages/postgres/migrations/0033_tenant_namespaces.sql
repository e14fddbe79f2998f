-- API keys that may act in further namespaces besides their own: a JSON list of names, or ["*"] for
-- every namespace. Null (every key made before) is a key of its own namespace only.
ALTER TABLE api_keys ADD COLUMN namespaces TEXT;
