/**
 * The stores the test environment's tests run on: its default (a temporary SQLite file) and
 * PostgreSQL (127.0.0.1:5432, or BATON_TEST_POSTGRES) in a fresh schema per environment, dropped when
 * the file's tests are done. Without a server the PostgreSQL cases skip with a notice; under CI=true
 * they fail instead.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';

const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresAvailable = await canConnect(POSTGRES_URL);
if (!postgresAvailable && process.env.CI !== 'true') {
  console.warn(`[baton] skipping the test environment's PostgreSQL cases: no PostgreSQL server answers at ${POSTGRES_URL} (set BATON_TEST_POSTGRES).`);
}

const schemas: string[] = [];

export interface TestStore {
  name: string;
  /** Whether to run this store's cases (PostgreSQL: with a server, and under CI always). */
  enabled: boolean;
  /** A store for one environment; undefined: the environment's default. */
  create(): Store | undefined;
}

export const TEST_STORES: TestStore[] = [
  { name: 'sqlite (the default)', enabled: true, create: () => undefined },
  {
    name: 'postgres',
    enabled: postgresAvailable || process.env.CI === 'true',
    create: () => {
      const schema = `baton_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      schemas.push(schema);
      return new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4 });
    },
  },
];

afterAll(async () => {
  if (!postgresAvailable || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}, 120_000);
