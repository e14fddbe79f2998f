/**
 * Webhooks from the workflows module: the examples export one (`signup`, starting customer
 * onboarding), and `baton dev` and `baton start` serve it at POST /hooks/signup, signed when
 * $BATON_HOOK_SECRET is set and behind an operator key when it is not.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '@baton/server';
import { CliProcess, FIXTURES, ROOT, baton, expectOneErrorLine, tempDir, waitFor } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples/index.ts');
const CUSTOMER = readFileSync(join(ROOT, 'examples/customer-onboarding/inputs/customer.json'), 'utf8');
const SECRET = 'hook-secret-for-the-cli-tests';
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apiUrl(process: CliProcess): string {
  const url = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(process.stdout)?.[1];
  expect(url, process.stdout).toBeDefined();
  return url!;
}

const post = async (url: string, headers: Record<string, string>, body = CUSTOMER) => {
  const res = await fetch(`${url}/hooks/signup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as { runId?: string; created?: boolean; error?: { code: string } } };
};

describe('webhooks exported by the workflows module', { timeout: 90_000 }, () => {
  it('baton dev serves the examples’ signed signup hook: each delivery starts onboarding once', async () => {
    const db = join(dir, 'signed.db');
    const dev = new CliProcess(['dev', '--db', db, '--workflows', EXAMPLES, '--port', '0'], { env: { BATON_HOOK_SECRET: SECRET } });
    try {
      await dev.waitForOutput('Webhook POST');
      // The admin key is made once the server listens: its lines come after the webhooks'.
      await dev.waitForOutput('export BATON_KEY=');
      const url = apiUrl(dev);
      expect(dev.stdout).toContain(`Webhook POST ${url}/hooks/signup starts customer-onboarding (HMAC-signed deliveries)`);
      const key = /admin API key; it is shown only now: (bk_\S+)/.exec(dev.stdout)?.[1] ?? '';

      expect(await post(url, {})).toMatchObject({ status: 401, body: { error: { code: 'BATON_WEBHOOK_SIGNATURE' } } });
      // An API key is no substitute for the signature of a signed hook.
      expect((await post(url, { authorization: `Bearer ${key}` })).status).toBe(401);

      const signature = signWebhook(SECRET, CUSTOMER, Math.floor(Date.now() / 1000));
      const first = await post(url, { 'x-baton-signature': signature });
      expect(first).toMatchObject({ status: 202, body: { created: true } });
      // The sender retries the same delivery: the same run, not a second one.
      expect(await post(url, { 'x-baton-signature': signature })).toEqual({ status: 202, body: { runId: first.body.runId, created: false } });

      const runId = first.body.runId!;
      const shown = await waitFor(
        async () => {
          const res = await baton(['runs', 'show', runId, '--json', '--url', url, '--key', key]);
          const run = res.code === 0 ? (JSON.parse(res.stdout) as { run: { status: string; output?: { status: string } } }).run : undefined;
          return run?.status === 'completed' ? run : undefined;
        },
        { timeoutMs: 60_000, what: `onboarding run ${runId} to complete` },
      );
      expect(shown.output).toMatchObject({ status: 'onboarded', customerId: 'CUST-1815' });
      await dev.waitForOutput(`customer-onboarding ${runId}  ✔ completed`);
    } finally {
      expect((await dev.stop('SIGINT')).code).toBe(0);
    }
  });

  it('without a secret the hook needs an operator key, on baton dev and on baton start alike', async () => {
    const db = join(dir, 'unsigned.db');
    const operator = (await baton(['keys', 'create', '--name', 'signup form', '--role', 'operator', '--db', db])).stdout.trim();
    const viewer = (await baton(['keys', 'create', '--name', 'dashboard', '--role', 'viewer', '--db', db])).stdout.trim();
    for (const args of [
      ['dev', '--db', db, '--workflows', EXAMPLES, '--port', '0'],
      ['start', '--db', db, '--workflows', EXAMPLES, '--port', '0'],
    ]) {
      const server = new CliProcess(args);
      try {
        await server.waitForOutput('Webhook POST');
        const url = apiUrl(server);
        expect(server.stdout).toContain(`Webhook POST ${url}/hooks/signup starts customer-onboarding (unsigned: needs an operator API key)`);
        expect(await post(url, {})).toMatchObject({ status: 401, body: { error: { code: 'BATON_UNAUTHORIZED' } } });
        expect(await post(url, { authorization: `Bearer ${viewer}` })).toMatchObject({ status: 403, body: { error: { code: 'BATON_FORBIDDEN' } } });
        // The input is checked against the workflow's schema before any run exists.
        expect(await post(url, { authorization: `Bearer ${operator}` }, '{"customerId":"C-1"}')).toMatchObject({
          status: 400,
          body: { error: { code: 'BATON_INVALID_INPUT' } },
        });
        const started = await post(url, { authorization: `Bearer ${operator}` });
        expect({ command: args[0], ...started }).toMatchObject({ command: args[0], status: 202, body: { created: true } });
      } finally {
        expect((await server.stop('SIGTERM')).code).toBe(0);
      }
    }
  });

  it('refuses a module whose webhook names a workflow it does not export', async () => {
    const result = await baton(['start', '--db', join(dir, 'bad.db'), '--workflows', join(FIXTURES, 'bad-webhook.ts'), '--port', '0']);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result, 'BATON_WORKFLOWS_LOAD_FAILED')).toContain("webhook 'orders' for workflow 'no-such-workflow'");
  });
});
