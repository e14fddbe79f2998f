/** The durable key-value cache on PostgreSQL (CacheStore): a read counts its hit in the same statement. */
import type { CacheStore } from '@baton/core/store-kit';
import type { CacheEntry } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { GET_CACHED, PRUNE_CACHED, PRUNE_CACHED_CHUNK, PUT_CACHED } from './cache-queries.js';

export class PostgresCache implements CacheStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async getCached(key: string, now: number): Promise<CacheEntry | undefined> {
    return (await this.#db.query<CacheEntry>(GET_CACHED, [key, now])).rows[0];
  }

  async putCached(entry: CacheEntry): Promise<void> {
    await this.#db.query(PUT_CACHED, [entry.key, entry.value, entry.createdAt, entry.expiresAt, entry.hits ?? 0]);
  }

  async pruneCached(now: number): Promise<number> {
    let deleted = 0;
    // In chunks, each its own transaction, so no writer waits for a long delete.
    for (;;) {
      const n = (await this.#db.query<{ n: number }>(PRUNE_CACHED, [now])).rows[0]!.n;
      deleted += n;
      if (n < PRUNE_CACHED_CHUNK) return deleted;
    }
  }
}
