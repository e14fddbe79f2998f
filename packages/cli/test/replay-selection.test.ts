/**
 * Which runs `baton replay` checks, and in what order, on SQLite and PostgreSQL: runs in flight first,
 * then ended ones newest first whatever their status (completed, failed, cancelled), so `--limit`
 * keeps the most recent; the same order from replay files (--from) and through a server (--url); and progress on stderr during a
 * long check while stdout stays one JSON document.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Engine, newApiKey, silentLogger, systemClock, type Clock, type RunStatus } from '@baton/core';
import { startApiServer } from '@baton/server';
import { FIXTURES, batonInProcess as cli, tempDir, waitFor, type CliResult } from './helpers.js';
import { dbTargets, type DbTarget } from './support/db-targets.js';
import { ordered } from './fixtures/replay/ordered.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDERED = join(FIXTURES, 'replay', 'ordered.ts');
const HOUR = 3_600_000;

function targets(): DbTarget[] {
  return dbTargets(dir, 'selection.db', 'the baton replay selection tests');
}

interface Checked {
  runs: { verdict: string; runId?: string; status?: string }[];
  summary: { checked: number; ok: number; diverged: number; missing: number; invalid: number };
}

function checked(result: CliResult): Checked {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Checked;
}

for (const target of targets()) {
  describe(`baton replay selection on ${target.name}`, { timeout: 240_000 }, () => {
    // Runs created an hour apart, in this order: a, b, c, d, e.
    const ids = { a: '', b: '', c: '', d: '', e: '' };
    const exported = join(dir, `export-${target.name}`);

    beforeAll(async () => {
      // The real clock, moved an hour on between runs, so each run has its own creation time.
      let offset = 0;
      const clock: Clock = { now: () => systemClock.now() + offset, setTimer: (ms, callback) => systemClock.setTimer(ms, callback) };
      const store = target.open();
      const engine = new Engine({ store, clock, workflows: [ordered], logger: silentLogger, pollIntervalMs: 20, schedules: false });
      await engine.start();
      try {
        const start = async (end: 'complete' | 'fail' | 'wait', status: RunStatus): Promise<string> => {
          const { id } = await engine.client.start(ordered, { end });
          await waitFor(async () => (await store.getRun(id))?.status === status, { what: `run ${id} ${status}` });
          offset += HOUR;
          return id;
        };
        ids.a = await start('complete', 'completed');
        ids.b = await start('wait', 'waiting');
        ids.c = await start('fail', 'failed');
        ids.d = await start('wait', 'waiting');
        await engine.client.cancel(ids.d);
        await waitFor(async () => (await store.getRun(ids.d))?.status === 'cancelled', { what: `run ${ids.d} cancelled` });
        ids.e = await start('complete', 'completed');
      } finally {
        await engine.stop();
        await store.close();
      }
      expect((await cli(['replay', '--export', exported, '--db', target.db])).code).toBe(0);
    }, 120_000);

    it('checks runs in flight first, then ended ones newest first whatever their status, and --limit keeps the most recent', async () => {
      const all = checked(await cli(['replay', '--db', target.db, '--workflows', ORDERED, '--json']));
      expect(all.runs.map((r) => [r.runId, r.status])).toEqual([
        [ids.b, 'waiting'],
        [ids.e, 'completed'],
        [ids.d, 'cancelled'],
        [ids.c, 'failed'],
        [ids.a, 'completed'],
      ]);
      expect(all.summary).toMatchObject({ checked: 5, ok: 5 });

      const recent = checked(await cli(['replay', '--db', target.db, '--workflows', ORDERED, '--json', '--limit', '3']));
      expect(recent.runs.map((r) => r.runId)).toEqual([ids.b, ids.e, ids.d]);

      const ended = checked(await cli(['replay', '--db', target.db, '--workflows', ORDERED, '--json', '--status', 'completed,failed', '--limit', '2']));
      expect(ended.runs.map((r) => r.runId)).toEqual([ids.e, ids.c]);
    });

    it('reads replay files in the same order (--from)', async () => {
      const all = checked(await cli(['replay', '--from', exported, '--workflows', ORDERED, '--json']));
      expect(all.runs.map((r) => r.runId)).toEqual([ids.b, ids.e, ids.d, ids.c, ids.a]);
      const recent = checked(await cli(['replay', '--from', exported, '--workflows', ORDERED, '--json', '--limit', '2']));
      expect(recent.runs.map((r) => r.runId)).toEqual([ids.b, ids.e]);
    });

    it('reads runs through a server in the same order (--url)', async () => {
      const store = target.open();
      await store.init();
      const viewer = newApiKey({ name: 'selection', role: 'viewer' }, Date.now());
      await store.createApiKey(viewer.record);
      const server = await startApiServer({ client: new Client({ store }), store });
      try {
        const remote = (...extra: string[]) => cli(['replay', '--url', server.url, '--key', viewer.token, '--workflows', ORDERED, '--json', ...extra]);
        expect(checked(await remote()).runs.map((r) => r.runId)).toEqual([ids.b, ids.e, ids.d, ids.c, ids.a]);
        expect(checked(await remote('--limit', '2')).runs.map((r) => r.runId)).toEqual([ids.b, ids.e]);
      } finally {
        await server.close();
        await store.close();
      }
    });

    it('reports progress on stderr during a long check, and keeps stdout one JSON document', async () => {
      // 1,200 copies of a recorded run, each under its own id.
      const many = join(dir, `many-${target.name}`);
      const file = JSON.parse(readFileSync(join(exported, `${ids.e}.json`), 'utf8')) as { run: { id: string } };
      expect((await cli(['replay', '--export', many, '--db', target.db, '--run', ids.e])).code).toBe(0);
      for (let i = 0; i < 1200; i++) {
        const id = `copy-${String(i).padStart(4, '0')}`;
        writeFileSync(join(many, `${id}.json`), JSON.stringify({ ...file, run: { ...file.run, id } }));
      }
      const result = await cli(['replay', '--from', many, '--workflows', ORDERED, '--json', '--progress', '--limit', '5000']);
      expect(checked(result).summary).toMatchObject({ checked: 1201, ok: 1201 });
      const counts = result.stderr
        .trim()
        .split('\n')
        .map((line) => /^baton replay: (\d+) runs checked, 0 failing$/.exec(line)?.[1]);
      expect(counts.length).toBeGreaterThan(0);
      expect(counts.every((n) => n !== undefined)).toBe(true);
      const numbers = counts.map(Number);
      expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      expect(numbers.every((n) => n > 0 && n <= 1201)).toBe(true);
    });
  });
}
