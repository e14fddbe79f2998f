/**
 * The PostgreSQL server the tests use (127.0.0.1:5432, or BATON_TEST_POSTGRES), with a fresh schema
 * per store. Without a server, tests skip with a notice; under CI=true they fail instead.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { canConnect } from '@baton/postgres';

export const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgresAvailable = await canConnect(POSTGRES_URL);

/** Whether to run a file's PostgreSQL tests: with a server, and under CI always (where they fail without one). */
export function runPostgresTests(what: string): boolean {
  if (!postgresAvailable && process.env.CI !== 'true') {
    console.warn(`[baton] skipping ${what}: no PostgreSQL server answers at ${POSTGRES_URL} (set BATON_TEST_POSTGRES to point at one).`);
  }
  return postgresAvailable || process.env.CI === 'true';
}

const schemas: string[] = [];

/** A new schema name, dropped (with everything in it) when the file's tests are done. */
export function freshSchema(): string {
  const schema = `baton_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
}

// One schema per statement (one transaction's locks for all of them would exhaust the lock table); a
// file that made many schemas on a loaded machine needs more than the default hook time.
afterAll(async () => {
  if (!postgresAvailable || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}, 180_000);
