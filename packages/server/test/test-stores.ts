/**
 * The stores the API's tests run on: a SQLite file always, and PostgreSQL in a fresh schema. The
 * PostgreSQL server, the schema naming and the rule for when its cases run (with a server; under
 * CI=true always, failing without one; otherwise skipped with a notice) are the PostgreSQL package's
 * test helper's. Files and schemas are removed when the file's tests end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

export interface TestStores {
  name: 'sqlite' | 'postgres';
  /** A fresh store, not yet initialised. */
  create(): Store;
  /** Another handle on the same storage, as a second process would open it. */
  reopen(store: Store): Store;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-api-stores-'));
let files = 0;

const sqlite: TestStores = {
  name: 'sqlite',
  create: () => new SqliteStore({ path: join(dir, `store-${++files}.db`) }),
  reopen: (store) => new SqliteStore({ path: (store as SqliteStore).path }),
};

const postgres: TestStores = {
  name: 'postgres',
  create: () => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }),
  reopen: (store) => new PostgresStore({ connectionString: POSTGRES_URL, schema: (store as PostgresStore).schema, maxConnections: 4 }),
};

/** The stores to run `what` on: SQLite, and PostgreSQL by the rule above. */
export function testStores(what: string): TestStores[] {
  return runPostgresTests(`${what} on PostgreSQL`) ? [sqlite, postgres] : [sqlite];
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));
