/**
 * `baton dev` and `baton start` log every unexpected request failure (a 500) as a JSON line on
 * stderr with its stack and the request id that the response carries (header and body); every
 * response has an X-Request-Id, a sane incoming one kept.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, FIXTURES, baton, tempDir, waitFor } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODULE = join(FIXTURES, 'failing-schema.ts');

async function expectLoggedFailure(server: CliProcess, base: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  // A sane incoming id is kept; a malformed one is replaced.
  const health = await fetch(`${base}/api/health`, { headers: { 'x-request-id': 'trace-42.a' } });
  expect(health.headers.get('x-request-id')).toBe('trace-42.a');
  const replaced = await fetch(`${base}/api/runs/nope`, { headers: { ...headers, 'x-request-id': 'bad id with spaces' } });
  expect(replaced.status).toBe(404);
  expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

  const failed = await fetch(`${base}/api/runs`, { method: 'POST', headers, body: JSON.stringify({ workflow: 'exploding', input: { n: 1 } }) });
  expect(failed.status).toBe(500);
  const requestId = failed.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const body = (await failed.json()) as { error: { code: string; message: string; details: { requestId: string } } };
  expect(body.error.code).toBe('BATON_INTERNAL');
  expect(body.error.details.requestId).toBe(requestId);
  expect(body.error.message).toContain(requestId);
  expect(JSON.stringify(body)).not.toContain('exploded');

  const line = await waitFor(() => server.stderr.split('\n').find((l) => l.includes(requestId!)), {
    what: () => `a log line with request id ${requestId}; stderr:\n${server.stderr}`,
  });
  const logged = JSON.parse(line) as {
    level: string;
    requestId: string;
    method: string;
    path: string;
    status: number;
    err: { message: string; stack: string };
  };
  expect(logged).toMatchObject({ level: 'error', requestId, method: 'POST', path: '/api/runs', status: 500 });
  expect(logged.err.message).toBe('the input schema exploded');
  expect(logged.err.stack).toContain('failing-schema.ts');
}

describe('unexpected request failures', { timeout: 90_000 }, () => {
  it('baton start logs them with their stack and request id', async () => {
    const db = join(dir, 'start.db');
    const key = (await baton(['keys', 'create', '--name', 'ops', '--role', 'operator', '--db', db])).stdout.trim();
    const server = new CliProcess(['start', '--db', db, '--port', '0', '--workflows', MODULE]);
    try {
      await server.waitForOutput('API on');
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(server.stdout)![1]!;
      await expectLoggedFailure(server, base, key);
    } finally {
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('baton dev logs them with their stack and request id', async () => {
    const server = new CliProcess(['dev', '--db', join(dir, 'dev.db'), '--port', '0', '--workflows', MODULE]);
    try {
      await server.waitForOutput('export BATON_KEY=');
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(server.stdout)![1]!;
      const key = /export BATON_KEY=(\S+)/.exec(server.stdout)![1]!;
      await expectLoggedFailure(server, base, key);
    } finally {
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
  });
});
