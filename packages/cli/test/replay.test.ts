/**
 * `baton replay` on runs a real engine made on a SQLite file and on PostgreSQL, through the built
 * executable (a child process) and through the CLI's own entry in this process: the code that made them replays (exit 0); swapping two steps is caught at the
 * position with the line that asked (exit 1); a ctx.patched branch is accepted; a declarative
 * definition replays against its file; a missing version fails; --export then --from gives the same
 * verdicts with no database; --url reads the runs through a server; and a wrong command line exits 2.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, newApiKey, silentLogger, type Store } from '@baton/core';
import { startApiServer, type ApiServer } from '@baton/server';
import { loadWorkflows } from '../src/load-workflows.js';
import { FIXTURES, baton, batonInProcess, tempDir, waitFor, type CliResult } from './helpers.js';
import { dbTargets, type DbTarget } from './support/db-targets.js';
import { approval } from './fixtures/replay/approval.js';

// The executable's module loader maps the workflows' lines through their source maps; so does this process.
process.setSourceMapsEnabled(true);

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const F = join(FIXTURES, 'replay');
const V1 = join(F, 'v1.ts');
const FLOW = join(F, 'flow.yaml');

function targets(): DbTarget[] {
  return dbTargets(dir, 'replay.db', 'the baton replay tests');
}

interface Verdicts {
  runs: {
    verdict: string;
    runId?: string;
    status?: string;
    file?: string;
    divergence?: { seq: number; journaled: string; requested: string; source?: string };
  }[];
  summary: { checked: number; ok: number; diverged: number; missing: number; invalid: number };
}

const cli = batonInProcess;

function verdicts(result: CliResult): Verdicts {
  return JSON.parse(result.stdout) as Verdicts;
}

function byRun(result: Verdicts): Record<string, string> {
  return Object.fromEntries(result.runs.map((r) => [r.runId ?? r.file, r.verdict]));
}

for (const target of targets()) {
  describe(`baton replay on ${target.name}`, { timeout: 240_000 }, () => {
    const ids = { waiting: '', done: '', flow: '' };
    let store: Store;
    let engine: Engine;

    beforeAll(async () => {
      store = target.open();
      const flow = await loadWorkflows(FLOW);
      engine = new Engine({ store, workflows: [approval('original'), ...flow.workflows], logger: silentLogger, pollIntervalMs: 20 });
      await engine.start();
      const client = engine.client;
      ids.done = (await client.start('approval', { amount: 50 })).id;
      ids.waiting = (await client.start('approval', { amount: 250 })).id;
      ids.flow = (await client.start('cli.replay-flow', {})).id;
      for (const id of Object.values(ids)) await waitFor(async () => (await client.get(id))?.status === 'waiting', { what: `run ${id} waiting` });
      await client.signal(ids.done, 'decision', { approved: true });
      expect(await client.result(ids.done, { timeoutMs: 60_000 })).toBe('booked');
      await engine.stop();
    }, 120_000);

    afterAll(async () => {
      await engine.stop();
      await store.close();
    });

    it('replays every run against the code that made it, in flight first, and writes nothing', async () => {
      const before = await Promise.all(Object.values(ids).map(async (id) => [await store.getRun(id), await store.getJournal(id)]));
      const result = await baton(['replay', '--db', target.db, '--workflows', `${V1},${FLOW}`, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const out = verdicts(result);
      expect(out.summary).toMatchObject({ checked: 3, ok: 3, diverged: 0, missing: 0 });
      expect(out.runs.map((r) => r.status)).toEqual(['waiting', 'waiting', 'completed']);
      expect(byRun(out)).toEqual({ [ids.waiting]: 'ok', [ids.flow]: 'ok', [ids.done]: 'ok' });
      const after = await Promise.all(Object.values(ids).map(async (id) => [await store.getRun(id), await store.getJournal(id)]));
      expect(after).toEqual(before);

      const text = await cli(['replay', '--db', target.db, '--workflows', `${V1},${FLOW}`, '--workflow', 'approval', '--status', 'completed']);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`ok        ${ids.done}  approval@1  completed: returns as journaled after 4 positions`);
      expect(text.stdout).toMatch(/checked 1 run in [\d.]+s \(\d+ runs\/s\): 1 ok, 0 diverged, 0 missing/);
    });

    it('catches two swapped steps at their position with the line that asks, and accepts a patched branch', async () => {
      const reordered = await cli(['replay', '--db', target.db, '--workflows', join(F, 'reordered.ts'), '--workflow', 'approval']);
      expect(reordered.code, reordered.stderr).toBe(1);
      expect(reordered.stdout).toContain(
        `diverged  ${ids.waiting}  approval@1  waiting: at position 1 the journal holds step 'extract', the code asks for step 'check-budget'`,
      );
      expect(reordered.stdout).toMatch(/at \S*fixtures\/replay\/approval\.ts:\d+:\d+/);
      expect(reordered.stdout).toMatch(/: 0 ok, 2 diverged, 0 missing/);

      const patched = await cli(['replay', '--db', target.db, '--workflows', join(F, 'patched.ts'), '--workflow', 'approval', '--json']);
      expect(patched.code, patched.stderr).toBe(0);
      expect(verdicts(patched).summary).toMatchObject({ checked: 2, ok: 2 });

      const flow = await cli(['replay', '--db', target.db, '--workflows', join(F, 'flow-reordered.yaml'), '--run', ids.flow, '--json']);
      expect(flow.code, flow.stderr).toBe(1);
      expect(verdicts(flow).runs).toMatchObject([{ runId: ids.flow, verdict: 'diverged', divergence: { seq: 1 } }]);
    });

    it('reports runs whose workflow or version the code lacks as missing', async () => {
      const result = await cli(['replay', '--db', target.db, '--workflows', join(F, 'v2-only.ts')]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `missing   ${ids.waiting}  approval@1  waiting: workflow 'approval' version '1' is not in this code (it has '2'): runs pinned to that version would wait for a worker that has it`,
      );
      expect(result.stdout).toContain(`missing   ${ids.flow}  cli.replay-flow@1.0.0  waiting: workflow 'cli.replay-flow' is not in this code`);
      expect(result.stdout).toMatch(/: 0 ok, 0 diverged, 3 missing/);
    });

    it('exports the runs as replay files that replay with the same verdicts without the database, and reports a corrupt file by name', async () => {
      const out = join(dir, `export-${target.name}`);
      const exported = await cli(['replay', '--export', out, '--db', target.db]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.trim()).toBe(`exported 3 runs to ${out}`);
      expect(readdirSync(out).sort()).toEqual(
        Object.values(ids)
          .map((id) => `${id}.json`)
          .sort(),
      );
      const file = JSON.parse(readFileSync(join(out, `${ids.waiting}.json`), 'utf8')) as {
        format: string;
        run: { id: string; input: string };
        journal: unknown[];
      };
      expect(file).toMatchObject({ format: 'baton.replay/1', run: { id: ids.waiting, input: '{"amount":250}' } });
      expect(file.journal).toHaveLength(2);

      for (const [workflows, code, counts] of [
        [`${V1},${FLOW}`, 0, { ok: 3 }],
        [join(F, 'reordered.ts'), 1, { diverged: 2, missing: 1 }],
      ] as const) {
        const fromDb = verdicts(await cli(['replay', '--db', target.db, '--workflows', workflows, '--json']));
        const fromFiles = await cli(['replay', '--from', out, '--workflows', workflows, '--json']);
        expect(fromFiles.code, fromFiles.stderr).toBe(code);
        expect(verdicts(fromFiles).summary).toMatchObject(counts);
        expect(byRun(verdicts(fromFiles))).toEqual(byRun(fromDb));
      }

      const redacted = join(dir, `redacted-${target.name}`);
      expect((await cli(['replay', '--export', redacted, '--redact', '--db', target.db, '--run', ids.done])).code).toBe(0);
      const secret = JSON.parse(readFileSync(join(redacted, `${ids.done}.json`), 'utf8')) as { redacted: boolean; run: { input: string; output: string } };
      expect(secret).toMatchObject({ redacted: true, run: { input: '{"amount":0}', output: '"[redacted]"' } });

      writeFileSync(join(out, 'broken.json'), '{"format":"baton.replay/1","run":{"id":');
      writeFileSync(join(out, 'other.json'), '{"format":"baton.replay/1","run":{"id":"x"},"journal":[],"exportedAt":"now"}');
      const corrupt = await cli(['replay', '--from', out, '--workflows', `${V1},${FLOW}`]);
      expect(corrupt.code).toBe(1);
      expect(corrupt.stdout).toMatch(new RegExp(`invalid   \\S*broken\\.json: \\S*broken\\.json is not a replay file: it is not JSON`));
      expect(corrupt.stdout).toMatch(/invalid {3}\S*other\.json: \S*other\.json is not a replay file: .* at run\.\w+/);
      expect(corrupt.stdout).toMatch(/: 3 ok, 0 diverged, 0 missing, 2 invalid/);
      expect(corrupt.stderr).toBe('');
    });

    it('reads the runs through a server with a viewer key (--url)', async () => {
      const viewer = newApiKey({ name: 'replay-check', role: 'viewer' }, Date.now());
      await store.createApiKey(viewer.record);
      const server: ApiServer = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
      try {
        const remote = (workflows: string, extra: string[] = []) =>
          cli(['replay', '--url', server.url, '--key', viewer.token, '--workflows', workflows, '--json', ...extra]);
        const same = await remote(`${V1},${FLOW}`);
        expect(same.code, same.stderr).toBe(0);
        expect(byRun(verdicts(same))).toEqual({ [ids.waiting]: 'ok', [ids.flow]: 'ok', [ids.done]: 'ok' });
        const reordered = await remote(join(F, 'reordered.ts'), ['--workflow', 'approval']);
        expect(reordered.code).toBe(1);
        expect(verdicts(reordered).summary).toMatchObject({ diverged: 2 });
        const unknown = await remote(V1, ['--run', 'no-such-run']);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toContain('BATON_RUN_NOT_FOUND');
        const exported = join(dir, `api-export-${target.name}`);
        expect((await cli(['replay', '--url', server.url, '--key', viewer.token, '--export', exported])).code).toBe(0);
        expect(readdirSync(exported)).toHaveLength(3);
      } finally {
        await server.close();
      }
    });

    it('reports what it found to the server (--report), which keeps it on each run, and refuses a viewer', async () => {
      const operator = newApiKey({ name: 'replay-report', role: 'operator' }, Date.now());
      const viewer = newApiKey({ name: 'replay-viewer', role: 'viewer' }, Date.now());
      await store.createApiKey(operator.record);
      await store.createApiKey(viewer.record);
      const server: ApiServer = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
      try {
        const checked = await cli([
          'replay',
          '--url',
          server.url,
          '--key',
          operator.token,
          '--workflows',
          join(F, 'reordered.ts'),
          '--workflow',
          'approval',
          '--report',
          'pr-42',
        ]);
        expect(checked.code).toBe(1);
        expect(checked.stderr).toMatch(/reported 2 runs \(0 ok, 2 diverged\) as 'pr-42'/);
        const kept = await engine.client.replays.forRun(ids.waiting);
        expect(kept[0]).toMatchObject({
          check: { candidate: 'pr-42' },
          result: { ok: false, divergence: { seq: 1, journaled: "step 'extract'", requested: "step 'check-budget'" } },
        });
        const refused = await cli(['replay', '--url', server.url, '--key', viewer.token, '--workflows', V1, '--report', 'pr-43']);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('BATON_FORBIDDEN');
        expect((await cli(['replay', '--db', target.db, '--workflows', V1, '--report', 'pr-44'])).code).toBe(2);
      } finally {
        await server.close();
      }
    });
  });
}

describe('baton replay command line', { timeout: 180_000 }, () => {
  it('exits 2 on a wrong command line', async () => {
    const db = join(dir, 'none.db');
    mkdirSync(join(dir, 'empty'), { recursive: true });
    for (const args of [
      ['replay', '--db', db],
      ['replay', '--workflows', V1, '--limit', '0'],
      ['replay', '--workflows', V1, '--status', 'sleeping'],
      ['replay', '--workflows', V1, '--since', 'yesterday'],
      ['replay', '--workflows', V1, '--from', join(dir, 'empty'), '--db', db],
      ['replay', '--workflows', V1, '--redact'],
      ['replay', '--export', join(dir, 'x'), '--from', join(dir, 'empty')],
      ['replay', '--workflows', V1, '--bogus'],
    ]) {
      const result = await baton(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^baton: error: .*; see baton replay --help \(BATON_INVALID_ARGUMENT\)\n$/);
    }
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/\n {2}replay +check that new code still replays the journals of real runs\n/);
  });
});
