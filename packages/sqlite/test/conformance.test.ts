/** Runs the Store conformance suite against the SQLite store, one fresh database file per store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { runStoreConformance } from '@baton/testkit/conformance';
import { SqliteStore } from '@baton/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-conformance-'));
let counter = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreConformance({
  name: 'sqlite',
  create: async () => new SqliteStore({ path: join(dir, `store-${++counter}.db`) }),
  // Another connection on the same file, as a second process would open it.
  reopen: async (store) => new SqliteStore({ path: (store as SqliteStore).path }),
  setAsideEntries: async (store, runId) => {
    const db = new Database((store as SqliteStore).path, { readonly: true });
    try {
      return db.prepare('SELECT seq, status, input FROM journal_history WHERE run_id = ? ORDER BY seq').all(runId) as {
        seq: number;
        status: string;
        input: string | null;
      }[];
    } finally {
      db.close();
    }
  },
});
