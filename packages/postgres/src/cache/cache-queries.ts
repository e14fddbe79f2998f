/** The statements of the durable key-value cache (Store.getCached, putCached, pruneCached). */

/** A read counts its hit in the same statement: one round trip, and the entry comes back with its new count. */
export const GET_CACHED = `UPDATE cache SET hits = hits + 1 WHERE key = $1 AND expires_at > $2
  RETURNING key, value, created_at AS "createdAt", expires_at AS "expiresAt", hits`;

/** A put replaces the entry of its key whole: value, times and hits. */
export const PUT_CACHED = `INSERT INTO cache (key, value, created_at, expires_at, hits) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at, hits = excluded.hits`;

/** Most expired entries one PRUNE_CACHED deletes: values may be large, so each transaction stays short. */
export const PRUNE_CACHED_CHUNK = 1000;

/**
 * Deletes up to PRUNE_CACHED_CHUNK entries expired at $1 and counts them. Rows another pruner holds
 * are skipped (it deletes them); a row a put has just made live again no longer matches once locked.
 */
export const PRUNE_CACHED = `WITH gone AS (
    DELETE FROM cache WHERE key IN (
      SELECT key FROM cache WHERE expires_at <= $1 LIMIT ${PRUNE_CACHED_CHUNK} FOR UPDATE SKIP LOCKED
    ) RETURNING 1
  )
  SELECT COUNT(*)::int AS n FROM gone`;
