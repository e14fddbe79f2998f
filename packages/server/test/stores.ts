/**
 * The stores the API's tests run on: a SQLite file, and a fresh schema on the PostgreSQL server at
 * 127.0.0.1:5432 (or BATON_TEST_POSTGRES). Without that server the PostgreSQL cases skip with a
 * notice; under CI=true they run and fail. Files and schemas are removed when the file's tests end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';

const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresAvailable = await canConnect(POSTGRES_URL);
if (!postgresAvailable && process.env.CI !== 'true') console.warn(`[baton] skipping the PostgreSQL API tests: no server answers at ${POSTGRES_URL}.`);

export interface TestStores {
  name: 'sqlite' | 'postgres';
  /** A fresh store, not yet initialised. */
  create(): Store;
  /** Another handle on the same storage, as a second process would open it. */
  reopen(store: Store): Store;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-api-stores-'));
const schemas: string[] = [];
let files = 0;

const sqlite: TestStores = {
  name: 'sqlite',
  create: () => new SqliteStore({ path: join(dir, `store-${++files}.db`) }),
  reopen: (store) => new SqliteStore({ path: (store as SqliteStore).path }),
};

const postgres: TestStores = {
  name: 'postgres',
  create: () => {
    const schema = `baton_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    schemas.push(schema);
    return new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4 });
  },
  reopen: (store) => new PostgresStore({ connectionString: POSTGRES_URL, schema: (store as PostgresStore).schema, maxConnections: 4 }),
};

/** The stores to run on here. */
export const testStores: TestStores[] = postgresAvailable || process.env.CI === 'true' ? [sqlite, postgres] : [sqlite];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!postgresAvailable || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
});
