/** The stores definition tests run on: a SQLite file always, PostgreSQL in a fresh schema by the PostgreSQL package's rule. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

export interface TestStore {
  name: 'sqlite' | 'postgres';
  create(): Store;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-stores-'));
let files = 0;

export function testStores(what: string): TestStore[] {
  const sqlite: TestStore = { name: 'sqlite', create: () => new SqliteStore({ path: join(dir, `store-${++files}.db`) }) };
  const postgres: TestStore = {
    name: 'postgres',
    create: () => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }),
  };
  return runPostgresTests(`${what} on PostgreSQL`) ? [sqlite, postgres] : [sqlite];
}

/** A definition of constant `set` tasks whose output is `{ greeting }`. */
export function greetingDefinition(version: string, greeting: string, more = ''): string {
  return `document:
  dsl: '1.0.0'
  namespace: shop
  name: greet
  version: '${version}'
  summary: Greets
${more}do:
  - hello:
      set:
        greeting: ${greeting}
`;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));
