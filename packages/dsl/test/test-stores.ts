/**
 * The stores the interpreter's core tests run on: a SQLite file always, and PostgreSQL in a fresh
 * schema by the PostgreSQL package's rule (with a server; under CI=true always; otherwise skipped
 * with a notice).
 */
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

const sqlite: TestStore = { name: 'sqlite', create: () => new SqliteStore({ path: join(dir, `store-${++files}.db`) }) };
const postgres: TestStore = {
  name: 'postgres',
  create: () => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }),
};

/** SQLite, and PostgreSQL by the rule above. */
export function testStores(what: string): TestStore[] {
  return runPostgresTests(`${what} on PostgreSQL`) ? [sqlite, postgres] : [sqlite];
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A definition's text: the document header and the given YAML body (its `do`, `use`, …). */
export function definition(body: string, name = 'test'): string {
  return `document: { dsl: '1.0.0', namespace: tests, name: ${name}, version: '1.0.0' }\n${body}`;
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
