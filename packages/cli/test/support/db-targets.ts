/**
 * The databases a CLI test runs its commands on: a SQLite file in `dir`, and a fresh PostgreSQL
 * schema when a server answers (under CI=true, a missing server fails the test run instead).
 */
import { join } from 'node:path';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../../postgres/test/test-database.js';

export interface DbTarget {
  name: string;
  /** What `--db` takes: the file's path, or the URL with its schema. */
  db: string;
  open(): Store;
}

/** SQLite (`file` in `dir`) and, when it runs, PostgreSQL; `what` names the tests in the skip notice. */
export function dbTargets(dir: string, file: string, what: string): DbTarget[] {
  const sqlitePath = join(dir, file);
  const list: DbTarget[] = [{ name: 'SQLite', db: sqlitePath, open: () => new SqliteStore({ path: sqlitePath }) }];
  if (runPostgresTests(what)) {
    const schema = freshSchema();
    list.push({
      name: 'PostgreSQL',
      db: `${POSTGRES_URL}?schema=${schema}`,
      open: () => new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4 }),
    });
  }
  return list;
}
