/** SQLite-specific behaviour: durability settings on every connection, migrations, bad paths. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@baton/core';
import { SqliteStore, loadMigrations, migrate } from '@baton/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteStore', () => {
  it('sets synchronous=FULL on every connection, also on a reopened WAL file, and honours the option', async () => {
    const path = join(dir, 'durability.db');
    const first = new SqliteStore({ path });
    await first.init();
    expect(first.synchronousLevel).toBe(2);
    await first.close();
    const reopened = new SqliteStore({ path });
    expect(reopened.synchronousLevel).toBe(2);
    await reopened.close();
    const normal = new SqliteStore({ path, synchronous: 'NORMAL' });
    expect(normal.synchronousLevel).toBe(1);
    await normal.close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('applies numbered migrations once, in order, also when several stores open one file at once', async () => {
    const path = join(dir, 'migrations.db');
    const stores = Array.from({ length: 4 }, () => new SqliteStore({ path }));
    await Promise.all(stores.map((s) => s.init()));
    const raw = new Database(path);
    const applied = raw.prepare('SELECT version, name FROM baton_migrations ORDER BY version').all() as { version: number; name: string }[];
    expect(applied.map((m) => m.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(migrate(raw, Date.now())).toEqual([]);
    raw.close();
    await Promise.all(stores.map((s) => s.close()));
    const versions = loadMigrations().map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('refuses a bad path or a file that is not a database with BATON_STORE_ERROR', async () => {
    expect(() => new SqliteStore({ path: '' })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    expect(() => new SqliteStore({ path: join(dir, 'x.db'), synchronous: 'SOMETIMES' as never })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument }),
    );
    const notDb = join(dir, 'not-a-database.db');
    writeFileSync(notDb, 'this is not a SQLite database, just text that is long enough to have a header'.repeat(20));
    let error: unknown;
    try {
      const store = new SqliteStore({ path: notDb });
      await store.init();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: expect.stringMatching(/^BATON_STORE_ERROR$|^SQLITE_NOTADB$/) });
  });

  it('keeps a store usable by an operation that arrives before init with a clear error', async () => {
    const store = new SqliteStore({ path: join(dir, 'uninitialised.db') });
    await expect(store.getRun('x')).rejects.toMatchObject({ code: ErrorCode.StoreError });
    await store.init();
    expect(await store.getRun('x')).toBeUndefined();
    await store.close();
  });
});
