/**
 * Numbered migrations (migrations/NNNN_name.sql), applied in order under an advisory lock per schema.
 * A migration names the functions it (re)defines with `-- @function <name>` lines, expanded from
 * functions/<name>.sql as it is loaded (see function-directives.ts).
 */
import { assertMigrated, loadMigrations as readMigrations, type Migration } from '@baton/core/store-kit';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { FUNCTIONS_DIR, expandFunctionDirectives } from './function-directives.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Creates the schema and applies the missing migrations, each in its own transaction. The advisory
 * lock (keyed by the schema name) makes concurrent migrators on any host wait their turn.
 */
export async function migrate(client: pg.PoolClient, schema: string, now: number, migrations = loadMigrations()): Promise<number[]> {
  const quoted = quoteIdentifier(schema);
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [`baton:migrate:${schema}`]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`SET search_path TO ${quoted}`);
    await client.query('CREATE TABLE IF NOT EXISTS baton_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM baton_migrations')).rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO baton_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(m.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`baton:migrate:${schema}`]);
  }
  return applied;
}

/** Checks, writing nothing, that the schema has every migration (BATON_DATABASE_OUTDATED otherwise). */
export async function assertUpToDate(client: pg.PoolClient, schema: string, migrations = loadMigrations()): Promise<void> {
  const table = `${quoteIdentifier(schema)}.baton_migrations`;
  const exists = (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table])).rows[0]?.found;
  const applied = exists == null ? [] : (await client.query<{ version: number }>(`SELECT version FROM ${table}`)).rows.map((r) => r.version);
  assertMigrated(migrations, new Set(applied), `The PostgreSQL schema '${schema}'`);
}

/** A schema name as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** This store's migrations, in order, each with its function directives expanded from `functionsDir`. */
export function loadMigrations(dir = MIGRATIONS_DIR, functionsDir = FUNCTIONS_DIR): Migration[] {
  return readMigrations(dir).map((m) => ({ ...m, sql: expandFunctionDirectives(m.sql, `${String(m.version).padStart(4, '0')}_${m.name}.sql`, functionsDir) }));
}
