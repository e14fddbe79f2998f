/** The statements of API keys (stored by hash; a revoked key keeps its row). */

export const INSERT_API_KEY =
  'INSERT INTO api_keys (id, name, role, namespace, namespaces, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) RETURNING id';

export const SELECT_API_KEY = 'SELECT * FROM api_keys WHERE id = $1';

export const LIST_API_KEYS = 'SELECT * FROM api_keys ORDER BY created_at, id';

export const REVOKE_API_KEY = 'UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id';

/** The change feed's position now: everything older than every transaction still running. */
export const CHANGE_CURSOR = 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin';
