/**
 * The throwaway stores of a test environment: by default a SQLite file in a fresh temporary directory,
 * removed on close; or, asked for, a SQLite database in memory (nothing on disk; gone on close).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@baton/sqlite';

export interface TemporaryStore {
  store: SqliteStore;
  /** Closes the store and removes its directory. */
  remove(): Promise<void>;
}

export async function temporarySqliteStore(): Promise<TemporaryStore> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-test-env-'));
  // A test database need not survive power loss: no fsync per commit.
  const store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'OFF' });
  return {
    store,
    remove: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A SQLite database held in this process's memory: one connection, nothing written to disk. */
export function inMemorySqliteStore(): TemporaryStore {
  const store = new SqliteStore({ path: ':memory:' });
  return { store, remove: () => store.close() };
}
