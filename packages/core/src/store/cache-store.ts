/** The cache part of the storage seam (see cache.ts for what an entry is). */
import type { CacheEntry } from './cache.js';

export interface CacheStore {
  /**
   * A cached value that has not expired at `now` (`now < expiresAt`), or undefined. Also counts the
   * hit, in the same statement: the entry comes back with its `hits` after the increment.
   */
  getCached(key: string, now: number): Promise<CacheEntry | undefined>;
  /** Stores a value until `expiresAt` (replacing one with the same key, its hits with `entry.hits ?? 0`). */
  putCached(entry: CacheEntry): Promise<void>;
  /** Deletes entries that expired before `now` (`expiresAt <= now`); returns how many. */
  pruneCached(now: number): Promise<number>;
}
