/**
 * `baton replay` reads and never writes: a database an earlier version of Baton wrote (lacking a
 * migration of this one) is refused with BATON_DATABASE_OUTDATED and left as it was, instead of being
 * upgraded by a check that was meant to change nothing. In process, through the CLI's own entry.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '@baton/sqlite';
import { FIXTURES, batonInProcess, tempDir } from './helpers.js';

const dir = tempDir();

describe('baton replay on a database an earlier version wrote', () => {
  it('refuses it with BATON_DATABASE_OUTDATED and writes nothing', async () => {
    const db = join(dir, 'earlier.db');
    const raw = new Database(db);
    migrate(raw, Date.now(), loadMigrations().slice(0, -1));
    const versions = () => (raw.prepare('SELECT version FROM baton_migrations ORDER BY version').all() as { version: number }[]).map((m) => m.version);
    const before = versions();
    try {
      const result = await batonInProcess(['replay', '--db', db, '--workflows', join(FIXTURES, 'replay', 'v1.ts')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('(BATON_DATABASE_OUTDATED)');
      expect(result.stderr).toContain('written by an earlier version of Baton');
      expect(versions()).toEqual(before);
    } finally {
      raw.close();
    }
  });
});
