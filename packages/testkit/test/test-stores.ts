/**
 * The stores the test environment's tests run on: its default (a temporary SQLite file), SQLite in
 * memory, and
 * PostgreSQL (the tests' server, see packages/postgres/test/test-database.ts) in a fresh schema per
 * environment, dropped when the file's tests are done. Without a server the PostgreSQL cases skip
 * with a notice; under CI=true they fail instead.
 */
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

export interface TestStore {
  name: string;
  /** Whether to run this store's cases (PostgreSQL: with a server, and under CI always). */
  enabled: boolean;
  /** A store for one environment; undefined: the environment's default. */
  create(): Store | 'memory' | undefined;
}

export const TEST_STORES: TestStore[] = [
  { name: 'sqlite (the default)', enabled: true, create: () => undefined },
  { name: 'sqlite in memory', enabled: true, create: () => 'memory' },
  {
    name: 'postgres',
    enabled: runPostgresTests("the test environment's PostgreSQL cases"),
    create: () => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }),
  },
];
