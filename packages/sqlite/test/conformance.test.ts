/** Runs the Store conformance suite against the SQLite store, one fresh database file per store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runStoreConformance } from '@baton/testkit';
import { SqliteStore } from '@baton/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-conformance-'));
let counter = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreConformance({
  name: 'sqlite',
  create: async () => new SqliteStore({ path: join(dir, `store-${++counter}.db`) }),
  // Another connection on the same file, as a second process would open it.
  reopen: async (store) => new SqliteStore({ path: (store as SqliteStore).path }),
});
