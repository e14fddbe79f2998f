/** The cache's statements on SQLite. */

/** Most expired cache entries one `pruneCached` deletes: values may be large, so each transaction stays short. */
export const PRUNE_CACHED_CHUNK = 1000;

export const CACHE_SQL = {
  // The cache: a read counts its hit in the same statement; pruning deletes in chunks (values may be large).
  getCached: `UPDATE cache SET hits = hits + 1 WHERE key = ? AND expires_at > ?
       RETURNING key, value, created_at AS createdAt, expires_at AS expiresAt, hits`,
  putCached: `INSERT INTO cache (key, value, created_at, expires_at, hits) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at, hits = excluded.hits`,
  pruneCached: `DELETE FROM cache WHERE key IN (SELECT key FROM cache WHERE expires_at <= ? LIMIT ${PRUNE_CACHED_CHUNK})`,
} as const;
