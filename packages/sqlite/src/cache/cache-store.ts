/** The step cache on SQLite: reads count their hits, pruning deletes expired entries in chunks. */
import type { CacheEntry } from '@baton/core';
import type { CacheStore } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { PRUNE_CACHED_CHUNK } from './cache-statements.js';

export class SqliteCacheStore implements CacheStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async getCached(key: string, now: number): Promise<CacheEntry | undefined> {
    const s = this.#conn.statements;
    return this.#conn.write(() => s.getCached.get(key, now) as CacheEntry | undefined);
  }

  async putCached(entry: CacheEntry): Promise<void> {
    const s = this.#conn.statements;
    this.#conn.write(() => s.putCached.run(entry.key, entry.value, entry.createdAt, entry.expiresAt, entry.hits ?? 0));
  }

  async pruneCached(now: number): Promise<number> {
    const s = this.#conn.statements;
    let deleted = 0;
    // In chunks, so writers wait for no long transaction.
    for (;;) {
      const n = this.#conn.write(() => s.pruneCached.run(now).changes);
      deleted += n;
      if (n < PRUNE_CACHED_CHUNK) return deleted;
    }
  }
}
