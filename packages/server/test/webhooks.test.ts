/** Webhooks: a signed delivery starts the bound workflow once; bad, stale or missing signatures are refused. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp, defineWebhook, signWebhook } from '@baton/server';

const SECRET = 'whsec_0123456789abcdef';
const onPayment = defineWorkflow({ name: 'on-payment' }, async (ctx, body: { paymentId: string }) => ctx.step('record', () => body.paymentId));

let dir: string;
let store: SqliteStore;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let operatorKey: string;
let teamAKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-hooks-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [onPayment], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const key = newApiKey({ name: 'ops', role: 'operator' }, Date.now());
  await store.createApiKey(key.record);
  operatorKey = key.token;
  const teamA = newApiKey({ name: 'team-a ops', role: 'operator', namespace: 'team-a' }, Date.now());
  await store.createApiKey(teamA.record);
  teamAKey = teamA.token;
  app = createApp({
    client: engine.client,
    store,
    webhooks: [
      defineWebhook({ name: 'payments', workflow: 'on-payment', secret: SECRET, toleranceSeconds: 300 }),
      defineWebhook({ name: 'internal', workflow: 'on-payment' }),
      defineWebhook({ name: 'team-a-payments', workflow: 'on-payment', secret: SECRET, namespace: 'team-a' }),
      defineWebhook({ name: 'team-a-internal', workflow: 'on-payment', namespace: 'team-a' }),
    ],
  });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const deliver = async (name: string, body: string, headers: Record<string, string> = {}) => {
  const res = await app.request(`/hooks/${name}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as { runId?: string; created?: boolean; error?: { code: string } } };
};

describe('webhooks', () => {
  it("starts a namespace's signed hook's runs in its namespace, and hides its hooks from other namespaces' keys", async () => {
    const body = JSON.stringify({ paymentId: 'pay-a' });
    const started = await deliver('team-a-payments', body, { 'x-baton-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)) });
    expect(started).toMatchObject({ status: 202, body: { created: true } });
    expect((await store.getRun(started.body.runId!))?.namespace).toBe('team-a');
    // Unsigned: a key of another namespace gets the answer of a hook that does not exist; the hook's own namespace's key starts there.
    expect(await deliver('team-a-internal', body, { authorization: `Bearer ${operatorKey}` })).toMatchObject({
      status: 404,
      body: { error: { code: 'BATON_NOT_FOUND' } },
    });
    const own = await deliver('team-a-internal', body, { authorization: `Bearer ${teamAKey}` });
    expect(own.status).toBe(202);
    expect((await store.getRun(own.body.runId!))?.namespace).toBe('team-a');
    const hooksOf = async (key: string) =>
      ((await (await app.request('/api/triggers', { headers: { authorization: `Bearer ${key}` } })).json()) as { webhooks: { name: string }[] }).webhooks
        .map((h) => h.name)
        .sort();
    expect(await hooksOf(teamAKey)).toEqual(['team-a-internal', 'team-a-payments']);
    expect(await hooksOf(operatorKey)).toEqual(['internal', 'payments']);
  });

  it('starts the bound workflow for a signed delivery, once per delivery', async () => {
    const body = JSON.stringify({ paymentId: 'pay-1' });
    const signature = signWebhook(SECRET, body, Math.floor(Date.now() / 1000));
    const first = await deliver('payments', body, { 'x-baton-signature': signature });
    expect(first).toMatchObject({ status: 202, body: { created: true } });
    expect(await engine.client.result(first.body.runId!, { timeoutMs: 10_000 })).toBe('pay-1');
    // The same delivery again (a retry by the sender, or a replay inside the window): no second run.
    expect(await deliver('payments', body, { 'x-baton-signature': signature })).toMatchObject({
      status: 202,
      body: { runId: first.body.runId, created: false },
    });
  });

  it('refuses missing, malformed, forged and stale signatures with 401, and starts nothing', async () => {
    // Stale by a minute past the 300 s window either way, so a slow machine's clock moving on changes nothing.
    const body = JSON.stringify({ paymentId: 'pay-2' });
    const now = Math.floor(Date.now() / 1000);
    const before = (await engine.client.list({ workflow: 'on-payment' })).runs.length;
    for (const headers of <Record<string, string>[]>[
      {},
      { 'x-baton-signature': 'garbage' },
      { 'x-baton-signature': signWebhook('another-secret-of-16+', body, now) },
      { 'x-baton-signature': signWebhook(SECRET, body.replace('pay-2', 'pay-3'), now) },
      { 'x-baton-signature': signWebhook(SECRET, body, now - 360) },
      { 'x-baton-signature': signWebhook(SECRET, body, now + 360) },
    ]) {
      expect(await deliver('payments', body, headers)).toMatchObject({ status: 401, body: { error: { code: 'BATON_WEBHOOK_SIGNATURE' } } });
    }
    expect((await engine.client.list({ workflow: 'on-payment' })).runs.length).toBe(before);
  });

  it('takes an operator key on a hook without a secret, and answers unknown hooks and bad bodies', async () => {
    const body = JSON.stringify({ paymentId: 'pay-4' });
    expect((await deliver('internal', body)).status).toBe(401);
    expect(await deliver('internal', body, { authorization: `Bearer ${operatorKey}` })).toMatchObject({ status: 202, body: { created: true } });
    expect((await deliver('nope', body)).body.error?.code).toBe('BATON_NOT_FOUND');
    const broken = '{"paymentId":';
    expect((await deliver('payments', broken, { 'x-baton-signature': signWebhook(SECRET, broken, Math.floor(Date.now() / 1000)) })).body.error?.code).toBe(
      'BATON_INVALID_JSON',
    );
  });
});
