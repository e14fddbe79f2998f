/** `baton dev`: event lines, the module's demo, graceful stop on SIGINT, and exit at once on a second one. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, DatabaseReader, WORKFLOWS, baton, tempDir } from './helpers.js';

const dir = tempDir();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton dev', { timeout: 60_000 }, () => {
  it('prints a line per engine event, runs the demo and stops gracefully on SIGINT', async () => {
    const db = join(dir, 'dev.db');
    const dev = new CliProcess(['dev', '--db', db, '--workflows', WORKFLOWS, '--demo', '--durability', 'batched', '--concurrency', '4', '--port', '0']);
    try {
      await dev.waitForOutput('demo finished: {"greeting":"hello DEMO DEMO"}');
      // The HTTP API is served from the same process, on loopback.
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.stdout)?.[1];
      expect(base, dev.stdout).toBeDefined();
      expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: 'ok' });
      // Every other route needs a key: the first start made an admin key and showed it once.
      expect((await fetch(`${base}/api/runs`)).status).toBe(401);
      const key = /admin API key; it is shown only now: (bk_\S+)/.exec(dev.stdout)?.[1];
      expect(key, dev.stdout).toBeDefined();
      const runs = (await (await fetch(`${base}/api/runs?workflow=greet`, { headers: { authorization: `Bearer ${key}` } })).json()) as { runs: unknown[] };
      expect(runs.runs.length).toBeGreaterThan(0);
      // Its making is in the audit log, by the user who ran the CLI.
      const audit = (await (await fetch(`${base}/api/audit`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
        entries: Record<string, unknown>[];
      };
      expect(audit.entries).toContainEqual(
        expect.objectContaining({ action: 'key.create', target: key!.split('_')[1], actor: expect.stringMatching(/^cli:./), result: 'ok' }),
      );
      await dev.waitForOutput('✔ completed');
      expect(dev.stdout).toMatch(/^\d\d:\d\d:\d\d greet \S+ {2}✓ step upper \(\d+ ms\)$/m);
      expect(dev.stdout).toMatch(/^\d\d:\d\d:\d\d greet \S+ {2}▶ started$/m);
      // The id a line prints is one the other commands take.
      const printed = /^\d\d:\d\d:\d\d greet (\S+) {2}▶ started$/m.exec(dev.stdout)?.[1] ?? '';
      const shown = await baton(['runs', 'show', printed, '--db', db]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(printed);

      // Runs started by other processes show up too.
      const id = (await baton(['run', 'approval', '--db', db, '--input', '{"amount":3}'])).stdout.trim();
      await dev.waitForOutput(`⏸ waiting for signal approve`);
      expect((await baton(['signal', id, 'approve', '--db', db, '--data', '{"by":"dev"}'])).code).toBe(0);
      await dev.waitForOutput('✉ signal approve');
      await dev.waitForOutput(`approval ${id}  ✔ completed`);
    } finally {
      const exit = await dev.stop('SIGINT');
      expect(exit.code).toBe(0);
    }
    expect(dev.stdout).toContain('SIGINT: stopping');
    expect(dev.stdout.trim().endsWith('stopped')).toBe(true);
    expect(dev.stderr).toBe('');
  });

  it('exits at once on a second SIGINT while a step will not end, leaving the run to its lease', async () => {
    const db = join(dir, 'stuck.db');
    const dev = new CliProcess(['dev', '--db', db, '--workflows', WORKFLOWS, '--port', '0']);
    await dev.waitForOutput('baton dev:');
    const id = (await baton(['run', 'stuck', '--db', db])).stdout.trim();
    await dev.waitForOutput(`stuck ${id}  ▶ started`);
    dev.signal('SIGINT');
    await dev.waitForOutput('SIGINT: stopping');
    const started = Date.now();
    const exit = await dev.stop('SIGINT');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(exit.code).toBe(130);
    expect(dev.stderr).toContain('exiting at once');
    const reader = await DatabaseReader.open(db);
    try {
      expect((await reader.run(id))?.status).toBe('running');
    } finally {
      await reader.close();
    }
  });
});
