/** SQLite-specific behaviour: durability settings on every connection, migrations, bad paths. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@baton/core';
import { SqliteStore, loadMigrations, migrate } from '@baton/sqlite';
import {
  expectNamespacesUpgraded,
  expectOldRunsFinish,
  expectTriggeredRunsRecorded,
  expectUnpricedCallsCounted,
  oldModelCallRows,
  oldNamespaceRows,
  oldReleaseRows,
  oldReleaseTime,
  oldTriggeredRows,
} from '@baton/testkit/conformance';

const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new file `name` as a release whose last migration was `last` left it at time `t`, holding `rows` (SQL); its path. */
function oldFile(name: string, last: number, rows: readonly string[], t: number): string {
  const path = join(dir, name);
  const old = new Database(path);
  migrate(
    old,
    t,
    loadMigrations().filter((m) => m.version <= last),
  );
  for (const sql of rows) old.exec(sql);
  old.close();
  return path;
}

describe('SqliteStore', () => {
  it('sets synchronous=FULL on every connection, also on a reopened WAL file, and honours the option', async () => {
    const path = join(dir, 'durability.db');
    const first = new SqliteStore({ path });
    await first.init();
    expect(first.synchronousLevel).toBe(2);
    await first.close();
    const reopened = new SqliteStore({ path, searchIndexEveryMs: 0 });
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

  it('opened without upgrading, refuses a file an earlier version wrote and leaves it as it was', async () => {
    const path = join(dir, 'earlier.db');
    const all = loadMigrations();
    const last = all.at(-1)!;
    const raw = new Database(path);
    migrate(raw, Date.now(), all.slice(0, -1));
    const versions = () => (raw.prepare('SELECT version FROM baton_migrations ORDER BY version').all() as { version: number }[]).map((m) => m.version);
    const before = versions();

    const reader = new SqliteStore({ path, upgrade: false });
    const refused = await reader.init().then(
      () => undefined,
      (error: unknown) => error as { code?: string; details?: { missing?: string[] }; message: string },
    );
    await reader.close();
    expect(refused?.code).toBe(ErrorCode.DatabaseOutdated);
    expect(refused?.details?.missing).toEqual([`${String(last.version).padStart(4, '0')}_${last.name}`]);
    expect(refused?.message).toContain('nothing was written');
    expect(versions()).toEqual(before);

    // A file that is not a Baton database yet is refused too, and stays empty.
    const emptyPath = join(dir, 'not-yet.db');
    const empty = new SqliteStore({ path: emptyPath, upgrade: false });
    await expect(empty.init()).rejects.toMatchObject({ code: ErrorCode.DatabaseOutdated });
    await empty.close();
    const emptyRaw = new Database(emptyPath);
    expect(emptyRaw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'baton_migrations'").get()).toEqual({ n: 0 });
    emptyRaw.close();

    // Once a store of this version upgraded it, reading without upgrading opens it.
    const writer = new SqliteStore({ path });
    await writer.init();
    await writer.close();
    expect(versions()).toEqual(all.map((m) => m.version));
    const again = new SqliteStore({ path, upgrade: false });
    await again.init();
    expect(await again.getRun('none')).toBeUndefined();
    await again.close();
    raw.close();
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

describe('SqliteStore search', () => {
  const T0 = Date.UTC(2030, 0, 1);
  const newRun = (id: string, input: string) => ({ id, workflow: 'wf', version: '1', input, queue: 'default', priority: 0 });

  it('finds runs by id or input before and after they are indexed, newest first, a page at a time', async () => {
    const store = new SqliteStore({ path: join(dir, 'search.db'), searchIndexEveryMs: 0 });
    await store.init();
    const written: { id: string; input: string }[] = [];
    const write = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const run = newRun(`order-${i}`, JSON.stringify({ email: `User${i % 3}@Example.com`, note: i % 2 ? 'Zoë says "hi" 100%' : 'a_b' }));
        await store.createRun(run, T0 + i);
        written.unshift(run);
      }
    };
    // What a search must find: the runs whose id or input contains the text, any ASCII case.
    const expected = (text: string) => written.filter((r) => `${r.id}\n${r.input}`.toLowerCase().includes(text.toLowerCase())).map((r) => r.id);
    const found = async (text: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ search: text, limit: 4, ...(cursor === undefined ? {} : { cursor }) });
        ids.push(...page.runs.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    };
    const texts = ['user1@example', 'ORDER-2', 'Zoë SAYS', '\\"hi\\"', '100%', 'a_b', 'r-1', '@', 'no such text', 'e', "'; DROP TABLE runs; --"];
    const check = async () => {
      for (const text of texts) expect(await found(text), text).toEqual(expected(text));
    };
    try {
      await write(0, 30);
      await check(); // nothing indexed yet: every run is scanned
      expect(await store.indexForSearch()).toBe(30);
      await check(); // all through the index
      await write(30, 40);
      await check(); // the index, and the ten runs after its end
      expect(await store.indexForSearch()).toBe(10);
      expect(await store.indexForSearch()).toBe(0);
      await check();
      expect(expected('user1@example')).toHaveLength(13);
    } finally {
      await store.close();
    }
  });

  it('finds the same runs through the index as by scanning, for random text in any case, Unicode included', async () => {
    const store = new SqliteStore({ path: join(dir, 'search-random.db'), searchIndexEveryMs: 0 });
    await store.init();
    // A fixed seed: the same texts every run.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pieces = ['ab', 'AB', 'Zoë', 'ZOË', 'ß', 'ÉTÉ', 'été', '"', "'", '%', '_', '\\', ' ', '-', 'x', 'Q', '日本', '😀', '0', '9'];
    const text = (n: number) => Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const written: { id: string; input: string }[] = [];
    const write = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const run = newRun(`r${written.length}-${text(2)}`, JSON.stringify({ note: text(8) }));
        await store.createRun(run, T0 + written.length);
        written.unshift(run);
      }
    };
    // LIKE folds the case of ASCII letters only: so must the index's answers.
    const fold = (value: string) => value.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const expected = (query: string) => written.filter((r) => fold(`${r.id}\n${r.input}`).includes(fold(query))).map((r) => r.id);
    // Random text, and pieces of the runs' inputs (some upper-cased), once there are runs.
    const makeQueries = () =>
      Array.from({ length: 60 }, (_, i) => {
        if (i % 3 !== 0) return text(1 + (i % 4));
        const source = written[Math.floor(random() * written.length)] ?? { input: 'none' };
        const start = Math.floor(random() * Math.max(1, source.input.length - 4));
        const part = source.input.slice(start, start + 3 + (i % 5));
        return i % 2 === 0 ? part.toUpperCase() : part;
      });
    let queries: string[] = [];
    const check = async () => {
      for (const query of queries.filter((q) => q.length > 0)) {
        expect(
          (await store.listRuns({ search: query, limit: 1000 })).runs.map((r) => r.id),
          query,
        ).toEqual(expected(query));
      }
    };
    try {
      await write(150);
      queries = makeQueries();
      expect(queries.filter((q) => expected(q).length > 0).length).toBeGreaterThan(20);
      await check();
      await store.indexForSearch();
      await check();
      await write(50);
      await check();
    } finally {
      await store.close();
    }
  });

  it('migrates a file an earlier release wrote, with runs in flight, which then finish without repeating a journaled step', async () => {
    // The last migration of the release before step inputs (0009).
    const t = oldReleaseTime(Date.now());
    const path = oldFile('upgrade.db', 8, oldReleaseRows(t), t);

    await expectOldRunsFinish(new SqliteStore({ path }), t);
  });

  it('records which event or schedule started the runs of a file written before it was recorded (0014)', async () => {
    const t = oldReleaseTime(Date.now());
    const path = oldFile('started-runs.db', 13, oldTriggeredRows(t), t);

    await expectTriggeredRunsRecorded(new SqliteStore({ path }));
  });

  it('counts the model calls with no known price of a file written before they were counted apart (0015)', async () => {
    const t = oldReleaseTime(Date.now());
    const path = oldFile('unpriced.db', 14, oldModelCallRows(t), t);

    await expectUnpricedCallsCounted(new SqliteStore({ path }), t);
  });

  it('puts the schedules, events and triggers of a file written before they had a namespace in default, and event waits in their run’s (0025)', async () => {
    const t = oldReleaseTime(Date.now());
    const path = oldFile('namespaces.db', 24, oldNamespaceRows(t), t);

    await expectNamespacesUpgraded(new SqliteStore({ path }));
  });

  it('indexes the runs of a file written before the index existed, and the start of large inputs only', async () => {
    const path = join(dir, 'search-existing.db');
    const store = new SqliteStore({ path });
    await store.init();
    const big = JSON.stringify({ head: 'findme-early', pad: 'x'.repeat(5000), tail: 'findme-late' });
    await store.createRun(newRun('big', big), T0);
    await store.close();
    // As a file from before migration 0010: the index is empty and its end at 0.
    const db = new Database(path);
    db.exec('DELETE FROM runs_search; UPDATE runs_search_state SET indexed_to = 0');
    db.close();
    const reopened = new SqliteStore({ path, searchIndexEveryMs: 0 });
    await reopened.init();
    try {
      expect((await reopened.listRuns({ search: 'findme-early' })).runs.map((r) => r.id)).toEqual(['big']);
      expect(await reopened.indexForSearch()).toBe(1);
      expect((await reopened.listRuns({ search: 'findme-early' })).runs.map((r) => r.id)).toEqual(['big']);
      expect((await reopened.listRuns({ search: 'findme-late' })).runs).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
