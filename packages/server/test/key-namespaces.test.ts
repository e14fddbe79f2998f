/**
 * Keys that may act in several namespaces, on SQLite and PostgreSQL over real HTTP: a request chooses
 * its namespace with Baton-Namespace (default: the key's own) and sees and changes only that
 * namespace's runs; a namespace the key may not use is 403 BATON_NAMESPACE_FORBIDDEN before any route
 * runs (audited for changes); audit entries carry the namespace acted in; GET /api/me lists the
 * namespaces; keys are made with further namespaces only among the maker's; the overview's queue
 * backlog is the namespace's own; ApiClient sets the header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, type Store } from '@baton/core';
import { ApiClient, startApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

const hold = defineWorkflow({ name: 'hold' }, async (ctx) => ctx.waitForSignal('go'));
/** Its queue has no worker here: its runs stay queued, a backlog. */
const batch = defineWorkflow({ name: 'batch', queue: 'batch' }, async () => 'done');

describe.each(testStores('the key namespace tests'))('keys acting in several namespaces on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const call = async (method: string, path: string, key: string, options: { namespace?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[key] ?? key}`,
        ...(options.namespace === undefined ? {} : { 'baton-namespace': options.namespace }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const runIds = async (key: string, namespace?: string) =>
    ((await call('GET', '/api/runs', key, namespace === undefined ? {} : { namespace })).body.runs as { id: string }[]).map((r) => r.id).sort();

  beforeAll(async () => {
    store = stores.create();
    engine = new Engine({ store, workflows: [hold, batch], queues: ['default'], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const [name, role, namespace, namespaces] of [
      ['root', 'admin', 'default', ['*']],
      ['a', 'operator', 'team-a', undefined],
      ['b', 'operator', 'team-b', undefined],
      ['support', 'operator', 'team-a', ['team-b']],
      ['a-admin', 'admin', 'team-a', ['team-b']],
    ] as const) {
      const key = newApiKey({ name, role, namespace, ...(namespaces === undefined ? {} : { namespaces }) }, Date.now());
      await store.createApiKey(key.record);
      tokens[name] = key.token;
      ids[name] = key.record.id;
    }
    server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, host: '127.0.0.1', port: 0 });
    expect((await call('POST', '/api/runs', 'a', { body: { workflow: 'hold', id: 'run-a' } })).status).toBe(201);
    expect((await call('POST', '/api/runs', 'b', { body: { workflow: 'hold', id: 'run-b' } })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  it("acts in the key's own namespace by default and in the chosen one with Baton-Namespace", async () => {
    expect(await runIds('support')).toEqual(['run-a']);
    expect(await runIds('support', 'team-a')).toEqual(['run-a']);
    expect(await runIds('support', 'team-b')).toEqual(['run-b']);
    expect((await call('GET', '/api/runs/run-b', 'support')).status).toBe(404);
    expect((await call('GET', '/api/runs/run-b', 'support', { namespace: 'team-b' })).status).toBe(200);
    // A key of every namespace may choose any, even one nothing has been done in yet.
    expect(await runIds('root', 'team-b')).toEqual(['run-b']);
    expect(await runIds('root', 'brand-new')).toEqual([]);
    // A run started acting in team-b belongs to team-b.
    expect((await call('POST', '/api/runs', 'support', { namespace: 'team-b', body: { workflow: 'hold', id: 'run-b2' } })).status).toBe(201);
    expect((await store.getRun('run-b2'))?.namespace).toBe('team-b');
    expect(await runIds('b')).toEqual(['run-b', 'run-b2']);
    expect(await runIds('a')).toEqual(['run-a']);
  });

  it('refuses a namespace the key may not use with 403 BATON_NAMESPACE_FORBIDDEN before the route runs, audited', async () => {
    const read = await call('GET', '/api/runs', 'a', { namespace: 'team-b' });
    expect(read.status).toBe(403);
    expect(read.body.error).toMatchObject({ code: 'BATON_NAMESPACE_FORBIDDEN', details: { namespaces: ['team-a'] } });
    expect(read.body.error.message).toContain('team-b');
    expect((await call('GET', '/api/runs', 'support', { namespace: 'team-c' })).body.error.code).toBe('BATON_NAMESPACE_FORBIDDEN');
    expect((await call('GET', '/api/runs', 'support', { namespace: 'bad\tname' })).status).toBe(403);

    const start = await call('POST', '/api/runs', 'a', { namespace: 'team-b', body: { workflow: 'hold', id: 'sneaky' } });
    expect(start.status).toBe(403);
    expect(start.body.error.code).toBe('BATON_NAMESPACE_FORBIDDEN');
    expect(await store.getRun('sneaky')).toBeUndefined();
    const refused = await store.listAudit({ actor: ids.a!, action: 'run.start', limit: 10 });
    expect(refused.find((entry) => entry.target === 'sneaky')).toMatchObject({
      result: 'BATON_NAMESPACE_FORBIDDEN',
      namespace: 'team-a',
      detail: JSON.stringify({ namespace: 'team-b' }),
    });
    // An unknown key is still 401, whatever namespace it names.
    expect((await call('GET', '/api/runs', 'bk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { namespace: 'team-b' })).status).toBe(401);
  });

  it('records audit entries under the namespace acted in', async () => {
    expect((await call('POST', '/api/runs/run-b/cancel', 'support', { namespace: 'team-b' })).status).toBe(200);
    const entries = await store.listAudit({ actor: ids.support!, action: 'run.cancel', limit: 10 });
    expect(entries.map((entry) => [entry.target, entry.namespace, entry.result])).toEqual([['run-b', 'team-b', 'ok']]);
  });

  it('lists in GET /api/me the namespace acted in and every namespace the key may use', async () => {
    expect((await call('GET', '/api/me', 'support')).body).toEqual({
      id: ids.support,
      name: 'support',
      role: 'operator',
      namespace: 'team-a',
      keyNamespace: 'team-a',
      namespaces: ['team-a', 'team-b'],
    });
    expect((await call('GET', '/api/me', 'support', { namespace: 'team-b' })).body).toMatchObject({ namespace: 'team-b', keyNamespace: 'team-a' });
    expect((await call('GET', '/api/me', 'root')).body).toMatchObject({ namespace: 'default', namespaces: ['default', '*'] });
    expect((await call('GET', '/api/me', 'a')).body).toMatchObject({ namespace: 'team-a', namespaces: ['team-a'] });
  });

  it('makes keys with further namespaces only among those the calling key may use, and manages keys of the namespace acted in', async () => {
    const made = await call('POST', '/api/keys', 'a-admin', { body: { name: 'both', role: 'viewer', namespaces: ['team-b'] } });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatchObject({ namespace: 'team-a', namespaces: ['team-b'] });
    const everywhere = await call('POST', '/api/keys', 'a-admin', { body: { name: 'all', role: 'viewer', namespaces: ['*'] } });
    expect(everywhere.status).toBe(403);
    expect(everywhere.body.error).toMatchObject({ code: 'BATON_FORBIDDEN', details: { namespaces: ['*'] } });
    const beyond = await call('POST', '/api/keys', 'a-admin', { body: { name: 'c', role: 'viewer', namespaces: ['team-c'] } });
    expect(beyond.status).toBe(403);
    expect((await store.listApiKeys()).map((key) => key.name)).not.toContain('c');
    const refusals = await store.listAudit({ actor: ids['a-admin']!, action: 'key.create', limit: 10 });
    expect(
      refusals
        .filter((entry) => entry.result === 'BATON_FORBIDDEN')
        .map((entry) => entry.target)
        .sort(),
    ).toEqual(['all', 'c']);

    // Acting in team-b, the admin makes and lists team-b's keys.
    const inB = await call('POST', '/api/keys', 'a-admin', { namespace: 'team-b', body: { name: 'b viewer', role: 'viewer' } });
    expect(inB.body.key).toMatchObject({ namespace: 'team-b' });
    // Keys made in the same millisecond list in any order among themselves: compare the sets.
    const listedB = (await call('GET', '/api/keys', 'a-admin', { namespace: 'team-b' })).body.keys.map((key: { name: string }) => key.name);
    expect([...listedB].sort()).toEqual(['b', 'b viewer']);
    const listedA = (await call('GET', '/api/keys', 'a-admin')).body.keys.map((key: { name: string }) => key.name);
    expect([...listedA].sort()).toEqual(['a', 'a-admin', 'both', 'support']);
    // The new key acts in team-b with the header, and not in team-c.
    expect(await runIds(made.body.token as string, 'team-b')).toEqual(['run-b', 'run-b2']);
    expect((await call('GET', '/api/runs', made.body.token as string, { namespace: 'team-c' })).status).toBe(403);
    // A key may revoke itself whichever namespace it acts in.
    expect((await call('DELETE', `/api/keys/${made.body.key.id as string}`, made.body.token as string, { namespace: 'team-b' })).status).toBe(200);
  });

  it('shows on the overview the backlog of the namespace acted in only', async () => {
    for (const [key, namespace] of [
      ['a', undefined],
      ['a', undefined],
      ['support', 'team-b'],
    ] as const) {
      expect((await call('POST', '/api/runs', key, { body: { workflow: 'batch' }, ...(namespace === undefined ? {} : { namespace }) })).status).toBe(201);
    }
    const backlog = async (key: string, namespace?: string) =>
      ((await call('GET', '/api/stats/overview', key, namespace === undefined ? {} : { namespace })).body.queues as { queue: string; queued: number }[])
        .filter((q) => q.queue === 'batch')
        .map((q) => q.queued);
    expect(await backlog('support')).toEqual([2]);
    expect(await backlog('support', 'team-b')).toEqual([1]);
    expect(await backlog('b')).toEqual([1]);
    expect(await backlog('root', 'team-c')).toEqual([]);
  });

  it('sets the namespace from ApiClient', async () => {
    const inB = new ApiClient({ url: server.url, key: tokens.support!, namespace: 'team-b' });
    expect((await inB.list({ workflow: 'hold' })).runs.map((run) => run.id).sort()).toEqual(['run-b', 'run-b2']);
    expect((await inB.me()).namespace).toBe('team-b');
    const own = new ApiClient({ url: server.url, key: tokens.support! });
    expect((await own.list({ workflow: 'hold' })).runs.map((run) => run.id)).toEqual(['run-a']);
    const refused = new ApiClient({ url: server.url, key: tokens.a!, namespace: 'team-b' });
    await expect(refused.me()).rejects.toMatchObject({ code: 'BATON_NAMESPACE_FORBIDDEN' });
  });
});
