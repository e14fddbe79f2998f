/**
 * Refused changes are audited: a key without the role a change needs (403) and a change that fails
 * validation (400) get one entry each, under the action the change would have had, whichever layer
 * refused it (auth, the route's schemas, the typed-JSON decoding, the client); reads and
 * unauthenticated requests get none. Through real HTTP on loopback, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, silentLogger, type AuditRecord, type Role, type Store } from '@baton/core';
import { defineWebhook, signWebhook, startApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

const order = defineWorkflow({ name: 'order', input: z.object({ customer: z.string() }) }, async (ctx, input: { customer: string }) => {
  await ctx.waitForSignal('shipped');
  return input.customer;
});

const SECRET = 'whsec_refusals_0123456789';

describe.each(testStores('the refusal audit tests'))('refused changes in the audit log on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const keys = {} as Record<Role, { token: string; id: string }>;
  let seen = 0;

  beforeAll(async () => {
    store = stores.create();
    engine = new Engine({ store, workflows: [order], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const key = newApiKey({ name: `${role} key`, role, namespace: 'acme' }, Date.now());
      await store.createApiKey(key.record);
      keys[role] = { token: key.token, id: key.record.id };
    }
    server = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      webhooks: [defineWebhook({ name: 'signed', workflow: 'order', secret: SECRET }), defineWebhook({ name: 'unsigned', workflow: 'order' })],
      host: '127.0.0.1',
      port: 0,
    });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop({ timeoutMs: 2000 });
    await store?.close();
  });

  const call = async (role: Role | undefined, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(role === undefined ? {} : { authorization: `Bearer ${keys[role].token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  };

  /** The entries written since the last look, oldest first. */
  async function newEntries(): Promise<AuditRecord[]> {
    const entries = (await store.listAudit({ limit: 1000 })).filter((e) => e.id > seen).reverse();
    if (entries.length > 0) seen = entries[entries.length - 1]!.id;
    return entries;
  }

  const summary = (entries: AuditRecord[]) =>
    entries.map((e) => ({
      actor: e.actor,
      action: e.action,
      target: e.target,
      result: e.result,
      detail: e.detail === undefined ? undefined : JSON.parse(e.detail),
    }));

  it('records each change refused for its role (403) once, by the key, under the action it would have been', async () => {
    await newEntries();
    const refused = [
      await call('viewer', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'a' }, id: 'order-1' }),
      await call('viewer', 'POST', '/api/runs/order-9/cancel'),
      await call('viewer', 'POST', '/api/inbox/order-9/claim', { assignee: 'me' }),
      await call('operator', 'POST', '/api/schedules', { id: 'nightly', workflow: 'order', cron: '0 3 * * *' }),
      await call('operator', 'PATCH', '/api/schedules/nightly', { cron: '0 4 * * *' }),
      await call('operator', 'DELETE', '/api/schedules/night%20ly'),
      await call('operator', 'POST', '/api/keys', { name: 'sneaky', role: 'admin' }),
      await call('operator', 'DELETE', '/api/keys/someoneelse0'),
    ];
    expect(refused.every((r) => r.status === 403 && r.code === 'BATON_FORBIDDEN')).toBe(true);
    const { viewer, operator } = keys;
    expect(summary(await newEntries())).toEqual([
      { actor: viewer.id, action: 'run.start', target: 'order-1', result: 'BATON_FORBIDDEN', detail: { needed: 'operator', role: 'viewer' } },
      { actor: viewer.id, action: 'run.cancel', target: 'order-9', result: 'BATON_FORBIDDEN', detail: { needed: 'operator', role: 'viewer' } },
      { actor: viewer.id, action: 'inbox.claim', target: 'order-9', result: 'BATON_FORBIDDEN', detail: { needed: 'operator', role: 'viewer' } },
      { actor: operator.id, action: 'schedule.create', target: 'nightly', result: 'BATON_FORBIDDEN', detail: { needed: 'admin', role: 'operator' } },
      { actor: operator.id, action: 'schedule.update', target: 'nightly', result: 'BATON_FORBIDDEN', detail: { needed: 'admin', role: 'operator' } },
      { actor: operator.id, action: 'schedule.delete', target: 'night ly', result: 'BATON_FORBIDDEN', detail: { needed: 'admin', role: 'operator' } },
      { actor: operator.id, action: 'key.create', target: 'sneaky', result: 'BATON_FORBIDDEN', detail: { needed: 'admin', role: 'operator' } },
      { actor: operator.id, action: 'key.revoke', target: 'someoneelse0', result: 'BATON_FORBIDDEN', detail: { role: 'operator' } },
    ]);
    expect((await store.listAudit({ actor: viewer.id, limit: 10 })).every((e) => e.namespace === 'acme')).toBe(true);
    // Refused reads are not recorded.
    expect((await call('viewer', 'GET', '/api/audit')).status).toBe(403);
    expect((await call('operator', 'GET', '/api/keys')).status).toBe(403);
    expect(await newEntries()).toEqual([]);
  });

  it('records each change that fails validation (400) once, whichever layer refused it', async () => {
    await newEntries();
    const { operator, admin } = keys;
    const cases: [Role, string, string, unknown, string][] = [
      ['operator', 'POST', '/api/runs', { workflow: 42 }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/runs', { workflow: 'order', id: 'order-2', priority: 1.5 }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/runs', '{"workflow": "order", ', 'BATON_INVALID_JSON'],
      ['operator', 'POST', '/api/runs', { workflow: 'order', id: 'order-3', input: { $baton: 'bigint', v: 'x1' } }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/runs', { workflow: 'order', id: 'order-4', input: { customer: 7 } }, 'BATON_INVALID_INPUT'],
      ['operator', 'POST', '/api/runs', { workflow: 'order', id: 'bad id!' }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/runs/order-9/signal', { name: '$event:x' }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/runs/order-9/signal', { name: '' }, 'BATON_INVALID_ARGUMENT'],
      ['operator', 'POST', '/api/events', { type: 'x', id: '' }, 'BATON_INVALID_ARGUMENT'],
      ['admin', 'PATCH', '/api/schedules/nightly', { cron: 5 }, 'BATON_INVALID_ARGUMENT'],
      ['admin', 'POST', '/api/schedules', { id: 'weekly', workflow: 'order', cron: 'not a cron', input: { customer: 'c' } }, 'BATON_INVALID_ARGUMENT'],
      ['admin', 'POST', '/api/keys', { name: '<script>', role: 'viewer' }, 'BATON_INVALID_ARGUMENT'],
    ];
    for (const [role, method, path, body, code] of cases) {
      const res = await call(role, method, path, body);
      expect({ path, body, status: res.status, code: res.code }).toEqual({ path, body, status: 400, code });
    }
    const entries = summary(await newEntries());
    expect(entries.map((e) => [e.actor, e.action, e.target, e.result])).toEqual([
      [operator.id, 'run.start', '', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'run.start', 'order-2', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'run.start', '', 'BATON_INVALID_JSON'],
      [operator.id, 'run.start', 'order-3', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'run.start', 'order-4', 'BATON_INVALID_INPUT'],
      [operator.id, 'run.start', 'bad id!', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'run.signal', 'order-9', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'run.signal', 'order-9', 'BATON_INVALID_ARGUMENT'],
      [operator.id, 'event.emit', '', 'BATON_INVALID_ARGUMENT'],
      [admin.id, 'schedule.update', 'nightly', 'BATON_INVALID_ARGUMENT'],
      [admin.id, 'schedule.create', 'weekly', 'BATON_INVALID_ARGUMENT'],
      [admin.id, 'key.create', '<script>', 'BATON_INVALID_ARGUMENT'],
    ]);
    // A schema failure names the fields that failed, not the values sent.
    expect(entries[0]!.detail).toEqual({ fields: ['workflow'] });
    expect(entries[1]!.detail).toEqual({ fields: ['priority'] });
    expect(await store.getRun('order-2')).toBeUndefined();
    expect(await store.getRun('order-4')).toBeUndefined();
  });

  it('records a webhook delivery refused for its body or its key, as the hook or the key; not one without a valid signature', async () => {
    await newEntries();
    const body = '{"customer": ';
    const post = async (hook: string, headers: Record<string, string>) =>
      (await fetch(`${server.url}/hooks/${hook}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })).status;
    expect(await post('signed', { 'x-baton-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)) })).toBe(400);
    expect(await post('signed', { 'x-baton-signature': signWebhook('not the secret', body, Math.floor(Date.now() / 1000)) })).toBe(401);
    expect(await post('unsigned', { authorization: `Bearer ${keys.viewer.token}` })).toBe(403);
    expect(await post('unsigned', {})).toBe(401);
    expect(summary(await newEntries())).toEqual([
      { actor: 'hook:signed', action: 'run.start', target: '', result: 'BATON_INVALID_JSON', detail: { hook: 'signed' } },
      { actor: keys.viewer.id, action: 'run.start', target: '', result: 'BATON_FORBIDDEN', detail: { hook: 'unsigned', needed: 'operator', role: 'viewer' } },
    ]);
  });

  it('records nothing for refused reads, unauthenticated requests or unknown routes', async () => {
    await newEntries();
    expect((await call('operator', 'GET', '/api/runs?limit=0')).status).toBe(400);
    expect((await call(undefined, 'POST', '/api/runs', { workflow: 'order' })).status).toBe(401);
    expect((await call(undefined, 'POST', '/hooks/nope', {})).status).toBe(404);
    expect((await call('operator', 'POST', '/api/nothing-here', {})).status).toBe(404);
    expect(await newEntries()).toEqual([]);
    // A change that goes through is recorded once, as ever.
    expect((await call('operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'd' }, id: 'order-5' })).status).toBe(201);
    expect(summary(await newEntries()).map((e) => [e.action, e.target, e.result])).toEqual([['run.start', 'order-5', 'ok']]);
  });
});
