/**
 * Runs the Store conformance suite against PostgreSQL on 127.0.0.1:5432, each store in a fresh schema
 * (dropped afterwards). Without a server the suite is skipped with a notice; under CI=true that is a failure.
 */
import { describe, it } from 'vitest';
import { runStoreConformance } from '@baton/testkit';
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
  });
}
