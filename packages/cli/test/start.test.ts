/**
 * `baton start`: the API alone on a database, keys required, runs started by name for workers to take
 * (names a worker has registered in the database's workflow catalog).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, baton, registerFixtureWorkflows, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton start', { timeout: 60_000 }, () => {
  it('serves the API without an engine, behind API keys, and stops on SIGTERM', async () => {
    const db = join(dir, 'start.db');
    const key = (await baton(['keys', 'create', '--name', 'ops', '--role', 'operator', '--db', db])).stdout.trim();
    const server = new CliProcess(['start', '--db', db, '--port', '0']);
    try {
      await server.waitForOutput('API on');
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(server.stdout)?.[1];
      expect(base, server.stdout).toBeDefined();
      expect((await fetch(`${base}/api/runs`)).status).toBe(401);
      const start = () =>
        fetch(`${base}/api/runs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ workflow: 'greet', input: { name: 'remote' }, id: 'from-api' }),
        });
      // No worker has ever registered 'greet' on this database: refused, nothing queued.
      const refused = await start();
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('BATON_WORKFLOW_NOT_FOUND');
      // A worker that starts after the server makes it known; the server, still running, accepts it.
      await registerFixtureWorkflows(db);
      const started = await start();
      expect(started.status).toBe(201);
      // No engine here: the run waits for a worker.
      const run = (await (await fetch(`${base}/api/runs/from-api`, { headers: { authorization: `Bearer ${key}` } })).json()) as { run: { status: string } };
      expect(run.run.status).toBe('queued');
      // The dashboard's shell, at the address it prints, needs no key (its data does).
      await server.waitForOutput('Dashboard:');
      expect(server.stdout).toContain(`Dashboard: ${base}/`);
      const shell = await fetch(`${base}/runs/from-api`);
      expect(shell.status).toBe(200);
      expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
    expect(server.stdout.trim().endsWith('stopped')).toBe(true);
  });
});
