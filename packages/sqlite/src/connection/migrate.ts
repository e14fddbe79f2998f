/** Numbered migrations (migrations/NNNN_name.sql), applied in order under SQLite's write lock. */
import { assertMigrated, loadMigrations as readMigrations, type Migration } from '@baton/core/store-kit';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Applies the missing migrations; BEGIN IMMEDIATE makes concurrent migrators (other processes) wait their turn. */
export function migrate(db: Database.Database, now: number, migrations = loadMigrations()): number[] {
  const applied: number[] = [];
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS baton_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set((db.prepare('SELECT version FROM baton_migrations').all() as { version: number }[]).map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO baton_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now);
      applied.push(m.version);
    }
  }).immediate();
  return applied;
}

/** Checks, writing nothing, that the database has every migration (BATON_DATABASE_OUTDATED otherwise). */
export function assertUpToDate(db: Database.Database, where: string, migrations = loadMigrations()): void {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'baton_migrations'").get();
  const applied = table === undefined ? [] : (db.prepare('SELECT version FROM baton_migrations').all() as { version: number }[]).map((r) => r.version);
  assertMigrated(migrations, new Set(applied), where);
}

/** This store's migrations, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readMigrations(dir);
}
