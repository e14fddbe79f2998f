/** Namespaces, tags, search and the audit log through the HTTP API (in process, on a real SQLite file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, type Role } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';

const order = defineWorkflow({ name: 'order' }, async (ctx, input: { customer: string }) => {
  await ctx.waitForSignal('shipped');
  return input.customer;
});

let dir: string;
let store: SqliteStore;
let engine: Engine;
let app: ReturnType<typeof createApp>;
const keys: Record<string, { token: string; id: string }> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-activity-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [order], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const make = async (name: string, role: Role, namespace?: string) => {
    const key = newApiKey({ name, role, ...(namespace === undefined ? {} : { namespace }) }, Date.now());
    await store.createApiKey(key.record);
    keys[name] = { token: key.token, id: key.record.id };
  };
  await make('acme-operator', 'operator', 'acme');
  await make('acme-admin', 'admin', 'acme');
  await make('default-operator', 'operator');
  await make('default-admin', 'admin');
  await make('default-viewer', 'viewer');
  app = createApp({ client: engine.client, store, workflows: engine.workflows });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (who: string, method: string, path: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${keys[who]!.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('namespaces, tags and search', () => {
  it("keeps each key to its namespace's runs: it starts them there, and others' runs are not found", async () => {
    const started = await call('acme-operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'Zoë' }, id: 'acme-order-1', tags: ['vip'] });
    expect(started.status).toBe(201);
    expect(started.body.run).toMatchObject({ id: 'acme-order-1', namespace: 'acme', tags: ['vip'] });
    await call('default-operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'Bob' }, id: 'default-order-1' });

    expect((await call('acme-operator', 'GET', '/api/runs')).body.runs.map((r: { id: string }) => r.id)).toEqual(['acme-order-1']);
    expect((await call('default-viewer', 'GET', '/api/runs')).body.runs.map((r: { id: string }) => r.id)).toEqual(['default-order-1']);
    for (const [method, path, body] of [
      ['GET', '/api/runs/acme-order-1', undefined],
      ['POST', '/api/runs/acme-order-1/signal', { name: 'shipped' }],
      ['POST', '/api/runs/acme-order-1/cancel', {}],
      ['POST', '/api/runs/acme-order-1/retry', undefined],
    ] as const) {
      const res = await call('default-operator', method, path, body);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'BATON_RUN_NOT_FOUND' });
    }
    // The id is taken, by a run this key may not see: a conflict, not that run.
    const taken = await call('default-operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'Eve' }, id: 'acme-order-1' });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'BATON_RUN_ID_TAKEN' } } });
    // Its own run, started again by id: the same run, not a new one.
    const again = await call('acme-operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'Zoë' }, id: 'acme-order-1' });
    expect(again).toMatchObject({ status: 200, body: { created: false, run: { id: 'acme-order-1' } } });
    expect((await engine.client.get('acme-order-1'))?.status).not.toBe('cancelled');
  });

  it('filters runs by tag and by text in the id or input', async () => {
    await call('acme-operator', 'POST', '/api/runs', { workflow: 'order', input: { customer: 'Ada_Lovelace' }, id: 'acme-order-2', tags: ['eu'] });
    const ids = async (query: string) => (await call('acme-admin', 'GET', `/api/runs?${query}`)).body.runs.map((r: { id: string }) => r.id);
    expect(await ids('tag=vip')).toEqual(['acme-order-1']);
    expect(await ids('tag=eu')).toEqual(['acme-order-2']);
    expect(await ids(`search=${encodeURIComponent('zoë')}`)).toEqual(['acme-order-1']);
    expect(await ids('search=LOVELACE')).toEqual(['acme-order-2']);
    expect(await ids('search=order-2')).toEqual(['acme-order-2']);
    expect(await ids('search=a_l')).toEqual(['acme-order-2']);
    expect(await ids('search=%25')).toEqual([]);
    const tooMany = await call('acme-operator', 'POST', '/api/runs', {
      workflow: 'order',
      input: { customer: 'x' },
      tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
    });
    expect(tooMany).toMatchObject({ status: 400, body: { error: { code: 'BATON_INVALID_ARGUMENT' } } });
  });
});

describe('audit log', () => {
  it('records every change and every refused call with the key that made it, for admins of the namespace', async () => {
    await call('acme-operator', 'POST', '/api/runs/acme-order-1/signal', { name: 'shipped' });
    await call('acme-operator', 'POST', '/api/runs/acme-order-2/cancel', { reason: 'duplicate' });
    const refused = await call('acme-operator', 'POST', '/api/runs/acme-order-2/retry');
    expect(refused.status).toBe(409);

    const { status, body } = await call('acme-admin', 'GET', '/api/audit?limit=100');
    expect(status).toBe(200);
    const acme = keys['acme-operator']!.id;
    const rows = body.entries.map((e: { actor: string; action: string; target: string; result: string }) => [e.actor, e.action, e.target, e.result]);
    expect(rows).toEqual([
      [acme, 'run.retry', 'acme-order-2', 'BATON_RUN_NOT_FAILED'],
      [acme, 'run.cancel', 'acme-order-2', 'ok'],
      [acme, 'run.signal', 'acme-order-1', 'ok'],
      // Refused by the route's schema (21 tags): recorded, with no run id yet.
      [acme, 'run.start', '', 'BATON_INVALID_ARGUMENT'],
      [acme, 'run.start', 'acme-order-2', 'ok'],
      [acme, 'run.start', 'acme-order-1', 'existing'],
      [acme, 'run.start', 'acme-order-1', 'ok'],
    ]);
    expect(body.entries[1]).toMatchObject({ namespace: 'acme', detail: { reason: 'duplicate' } });
    expect(body.entries[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The default namespace's admin sees its own: the refused calls of the default operator on acme's runs too.
    const mine = await call('default-admin', 'GET', `/api/audit?actor=${keys['default-operator']!.id}&limit=100`);
    expect(mine.body.entries.map((e: { action: string; result: string }) => `${e.action} ${e.result}`)).toEqual([
      'run.start BATON_RUN_ID_TAKEN',
      'run.retry BATON_RUN_NOT_FOUND',
      'run.cancel BATON_RUN_NOT_FOUND',
      'run.signal BATON_RUN_NOT_FOUND',
      'run.start ok',
    ]);
    expect((await call('default-admin', 'GET', '/api/audit?action=run.signal&result=ok')).body.entries).toEqual([]);

    const paged = await call('acme-admin', 'GET', '/api/audit?limit=2');
    expect(paged.body.entries).toHaveLength(2);
    const next = await call('acme-admin', 'GET', `/api/audit?limit=2&before=${paged.body.nextBefore}`);
    expect(next.body.entries.map((e: { action: string }) => e.action)).toEqual(['run.signal', 'run.start']);

    for (const who of ['acme-operator', 'default-viewer']) expect((await call(who, 'GET', '/api/audit')).status).toBe(403);
    expect((await call('acme-admin', 'GET', '/api/audit?since=yesterday')).status).toBe(400);
  });
});
