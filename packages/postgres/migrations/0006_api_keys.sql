-- API keys: the id, name, role and namespace of each key, and a SHA-256 of its secret (never the secret).
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL,
  namespace  TEXT NOT NULL,
  hash       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
