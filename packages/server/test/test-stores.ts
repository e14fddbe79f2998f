/**
 * The stores the API tests run on: a SQLite file always, and PostgreSQL (127.0.0.1:5432, or
 * BATON_TEST_POSTGRES) in a fresh schema, dropped afterwards. Without a PostgreSQL server its tests
 * are skipped with a notice; under CI=true they fail instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';

export const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  name: 'sqlite' | 'postgres';
  /** A fresh, initialised store; `close` closes it and removes its file or schema. */
  open(): Promise<{ store: Store; close(): Promise<void> }>;
}

const sqlite: TestStore = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'baton-api-store-'));
    const store = new SqliteStore({ path: join(dir, 'baton.db') });
    await store.init();
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: TestStore = {
  name: 'postgres',
  async open() {
    if (!(await canConnect(POSTGRES_URL))) {
      throw new Error(`No PostgreSQL server answers at ${POSTGRES_URL}; CI requires one (start it, or set BATON_TEST_POSTGRES).`);
    }
    const store = new PostgresStore({ connectionString: POSTGRES_URL, schema: `baton_api_${randomUUID().replace(/-/g, '').slice(0, 16)}`, maxConnections: 4 });
    await store.init();
    return {
      store,
      close: async () => {
        await store.dropSchema();
        await store.close();
      },
    };
  },
};

/** SQLite, and PostgreSQL when a server answers or CI requires it (a skip says so when neither). */
export async function testStores(what: string): Promise<TestStore[]> {
  if ((await canConnect(POSTGRES_URL)) || process.env.CI === 'true') return [sqlite, postgres];
  console.warn(`[baton] skipping ${what} on PostgreSQL: no server answers at ${POSTGRES_URL} (set BATON_TEST_POSTGRES to point at one).`);
  return [sqlite];
}
