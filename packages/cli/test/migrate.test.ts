/**
 * `baton migrate` as a real process, on SQLite and PostgreSQL: a dry run says what would move and moves
 * nothing; filters (--status, --tag, --since, --limit) pick the runs in flight; a version that cannot
 * replay the journal is refused (exit 1) and changes nothing; --apply
 * moves the run, which then finishes on the new code; a wrong command line exits 2.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, silentLogger, type AnyWorkflow, type Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, postgresAvailable, runPostgresTests } from '../../postgres/test/test-database.js';
import { SqliteStore } from '@baton/sqlite';
import { FIXTURES, baton, batonInProcess, tempDir } from './helpers.js';

const VERSIONED = join(FIXTURES, 'versioned-workflows.ts');
const schema = freshSchema();
const available = runPostgresTests('baton migrate on PostgreSQL');

const targets = [
  { name: 'sqlite', run: true, db: () => join(tempDir(), 'baton.db'), open: (db: string): Store => new SqliteStore({ path: db }) },
  {
    name: 'postgres',
    run: available,
    db: () => `${POSTGRES_URL}?schema=${schema}`,
    open: (): Store => new PostgresStore({ connectionString: POSTGRES_URL, schema }),
  },
];

for (const target of targets) {
  describe.runIf(target.run)(`baton migrate (${target.name})`, { timeout: 90_000 }, () => {
    it('checks by default, refuses a version that diverges, and moves with --apply', async () => {
      expect(target.name === 'sqlite' || postgresAvailable, `no PostgreSQL server answers at ${POSTGRES_URL}`).toBe(true);
      const db = target.db();
      const { ticketV1, ticketV2, ticketV3 } = (await import(VERSIONED)) as Record<string, AnyWorkflow>;
      const store = target.open(db);
      await store.init();
      const v1Engine = new Engine({ store, workflows: [ticketV1!], logger: silentLogger, pollIntervalMs: 20, schedules: false });
      await v1Engine.start();
      const handle = await v1Engine.client.start(ticketV1!, { id: 7 });
      await waitUntil(async () => (await store.getRun(handle.id))?.status === 'waiting');
      await v1Engine.stop();
      const before = { run: await store.getRun(handle.id), journal: await store.getJournal(handle.id) };
      const args = ['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '1'];

      const dry = await baton([...args, '--to', '2']);
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`would move  ${handle.id}  (waiting`);
      expect(dry.stdout).toContain('1 would move, 0 refused, 0 skipped');

      const diverged = await baton([...args, '--to', '3', '--json']);
      expect(diverged.code).toBe(1);
      const refused = JSON.parse(diverged.stdout) as { refused: { runId: string; divergence: { seq: number; journaled: string; requested: string } }[] };
      expect(refused.refused).toEqual([
        { runId: handle.id, divergence: expect.objectContaining({ seq: 1, journaled: "step 'open'", requested: "step 'triage'" }) },
      ]);
      const human = await baton([...args, '--to', '3', '--apply']);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(
        /refused {5}\S+ {2}at position 1: the journal holds step 'open', the new code asks for step 'triage' \(.*versioned-workflows\.ts:\d+:\d+\)/,
      );
      expect({ run: await store.getRun(handle.id), journal: await store.getJournal(handle.id) }).toEqual(before);

      // Filters: a tag no run carries, or runs created later, take nothing; the run's own state takes it.
      for (const filter of [
        ['--tag', 'nobody'],
        ['--since', '2999-01-01'],
        ['--status', 'queued,running'],
      ]) {
        const none = await batonInProcess([...args, '--to', '2', '--json', ...filter]);
        expect(none.code, none.stderr).toBe(0);
        expect((JSON.parse(none.stdout) as { moved: unknown[] }).moved, filter.join(' ')).toEqual([]);
      }
      const filtered = await batonInProcess([...args, '--to', '2', '--status', 'waiting', '--since', '1d', '--limit', '5']);
      expect(filtered.stdout).toContain(`would move  ${handle.id}  (waiting`);
      expect((await store.getRun(handle.id))!.version).toBe('1');

      const applied = await baton([...args, '--to', '2', '--apply', '--run', handle.id]);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain(`moved       ${handle.id}`);
      expect((await store.getRun(handle.id))!.version).toBe('2');

      // An engine with only the new version takes the run over and finishes it on the new code.
      const v2Engine = new Engine({ store, workflows: [ticketV2!, ticketV3!], logger: silentLogger, pollIntervalMs: 20, schedules: false });
      await v2Engine.start();
      try {
        await v2Engine.client.signal(handle.id, 'answer', { text: 'done' });
        expect(await v2Engine.client.result(handle.id)).toBe('v2: ticket-7 done');
        expect((await store.getJournal(handle.id)).map((e) => e.name)).toEqual(['open', 'answer']);
      } finally {
        await v2Engine.stop();
        await store.close();
      }
    });

    it('exits 2 on a wrong command line', async () => {
      const db = target.db();
      expect((await batonInProcess(['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '1'])).code).toBe(2);
      expect((await batonInProcess(['migrate', '--db', db, '--workflow', 'ticket', '--from', '1', '--to', '2'])).code).toBe(2);
      expect((await batonInProcess(['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '2', '--to', '2'])).code).toBe(2);
      expect(
        (await batonInProcess(['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '1', '--to', '2', '--wait', 'soon'])).code,
      ).toBe(2);
      expect(
        (await batonInProcess(['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '1', '--to', '2', '--wait', '2h'])).code,
      ).toBe(2);
      const base = ['migrate', '--db', db, '--workflows', VERSIONED, '--workflow', 'ticket', '--from', '1', '--to', '2'];
      for (const wrong of [
        ['--status', 'completed'],
        ['--tag', ' '],
        ['--since', 'yesterday'],
        ['--limit', '0'],
        ['--limit', '10001'],
        ['--run', 'r1', '--tag', 'eu'],
      ]) {
        const result = await batonInProcess([...base, ...wrong]);
        expect(result.code, `${wrong.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toContain('BATON_INVALID_ARGUMENT');
      }
    });
  });
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
