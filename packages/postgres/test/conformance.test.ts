/**
 * Runs the Store conformance suite against PostgreSQL on 127.0.0.1:5432, each store in a fresh schema
 * (dropped afterwards). Without a server the suite is skipped with a notice; under CI=true that is a failure.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { runStoreConformance } from '@baton/testkit';
import { PostgresStore, canConnect } from '@baton/postgres';

const URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

const available = await canConnect(URL);
const schemas: string[] = [];

if (!available) {
  if (process.env.CI === 'true') {
    describe('PostgreSQL store', () => {
      it('needs a PostgreSQL server in CI', () => {
        throw new Error(`No PostgreSQL server answers at ${URL}; CI requires one (start it, or set BATON_TEST_POSTGRES).`);
      });
    });
  } else {
    console.warn(`[baton] skipping the PostgreSQL conformance suite: no server answers at ${URL} (set BATON_TEST_POSTGRES to point at one).`);
    describe.skip('Store conformance: postgres', () => it('needs a server', () => undefined));
  }
} else {
  // Stores are closed by the tests; their schemas are dropped here over a connection of our own.
  afterAll(async () => {
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });
  runStoreConformance({
    name: 'postgres',
    create: async () => {
      const schema = `baton_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      schemas.push(schema);
      return new PostgresStore({ connectionString: URL, schema, maxConnections: 4 });
    },
  });
}
