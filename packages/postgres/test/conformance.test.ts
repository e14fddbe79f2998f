/**
 * Runs the Store conformance suite against PostgreSQL on 127.0.0.1:5432, each store in a fresh schema
 * (dropped afterwards). Without a server the suite is skipped with a notice; under CI=true that is a failure.
 */
import pg from 'pg';
import { describe, it } from 'vitest';
import { runStoreConformance } from '@baton/testkit/conformance';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, postgresAvailable, runPostgresTests } from './test-database.js';

if (!runPostgresTests('the PostgreSQL conformance suite')) {
  describe.skip('Store conformance: postgres', () => it('needs a server', () => undefined));
} else if (!postgresAvailable) {
  describe('PostgreSQL store', () => {
    it('needs a PostgreSQL server in CI', () => {
      throw new Error(`No PostgreSQL server answers at ${POSTGRES_URL}; CI requires one (start it, or set BATON_TEST_POSTGRES).`);
    });
  });
} else {
  runStoreConformance({
    name: 'postgres',
    create: async () => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }),
    // Another pool on the same schema, as a second worker process would open it.
    reopen: async (store) => new PostgresStore({ connectionString: POSTGRES_URL, schema: (store as PostgresStore).schema, maxConnections: 4 }),
    foldStats: (store) => (store as PostgresStore).foldStats(),
    setAsideEntries: async (store, runId) => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const schema = (store as PostgresStore).schema.replace(/"/g, '""');
        const { rows } = await client.query<{ seq: number; status: string; input: string | null }>(
          `SELECT seq, status, input FROM "${schema}".journal_history WHERE run_id = $1 ORDER BY seq`,
          [runId],
        );
        return rows;
      } finally {
        await client.end();
      }
    },
  });
}
