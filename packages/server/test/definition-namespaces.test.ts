/**
 * Deployed definitions per tenant namespace, on SQLite and PostgreSQL over real HTTP: two namespaces
 * deploy the same document (same document namespace, name and version) with different texts, each
 * as its own definition; listing, reading, drawing and starting see only the namespace the request
 * acts in (another namespace's is 404); a worker loading definitions runs each namespace's own text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Engine, newApiKey, silentLogger, type Store } from '@baton/core';
import { DefinitionLoader } from '@baton/dsl';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

function definition(greeting: string, version = '1.0.0'): string {
  return `document:
  dsl: '1.0.0'
  namespace: shop
  name: greet
  version: '${version}'
do:
  - hello:
      set:
        greeting: ${greeting}
`;
}

describe.each(testStores('the definition namespace tests'))('definitions per tenant namespace on $name', (stores) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, key: string, options: { body?: unknown; yaml?: string; namespace?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[key]}`,
        ...(options.namespace === undefined ? {} : { 'baton-namespace': options.namespace }),
        ...(options.yaml !== undefined ? { 'content-type': 'application/yaml' } : options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.yaml !== undefined ? { body: options.yaml } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const names = async (key: string, namespace?: string) =>
    (await call('GET', '/api/definitions', key, namespace === undefined ? {} : { namespace })).body.definitions.map(
      (d: { name: string; namespace: string; latestVersion: string }) => [d.name, d.namespace, d.latestVersion],
    );

  beforeAll(async () => {
    store = stores.create();
    await store.init();
    for (const [name, role, namespace, namespaces] of [
      ['root', 'admin', 'default', undefined],
      ['a-admin', 'admin', 'team-a', undefined],
      ['b-admin', 'admin', 'team-b', undefined],
      ['a', 'operator', 'team-a', undefined],
      ['b', 'operator', 'team-b', undefined],
      ['both', 'operator', 'team-a', ['team-b']],
      ['spaced', 'admin', 'has space', undefined],
    ] as const) {
      const key = newApiKey({ name, role, namespace, ...(namespaces === undefined ? {} : { namespaces: [...namespaces] }) }, Date.now());
      await store.createApiKey(key.record);
      tokens[name] = key.token;
    }
    server = await startApiServer({ client: new Client({ store }), store, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('deploys the same document in two namespaces independently, each named by its namespace', async () => {
    const a = await call('POST', '/api/definitions', 'a-admin', { yaml: definition('from-a') });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'team-a:shop.greet', namespace: 'team-a', version: '1.0.0', created: true });
    const b = await call('POST', '/api/definitions', 'b-admin', { yaml: definition('from-b') });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ name: 'team-b:shop.greet', namespace: 'team-b', version: '1.0.0', created: true });
    const root = await call('POST', '/api/definitions', 'root', { yaml: definition('from-default') });
    expect(root.body).toMatchObject({ name: 'shop.greet', namespace: 'default' });
    // Another text under the same version in the same namespace is still a conflict.
    expect((await call('POST', '/api/definitions', 'a-admin', { yaml: definition('changed') })).status).toBe(409);
    const audit = await store.listAudit({ action: 'definition.deploy', limit: 10 });
    expect(audit.filter((e) => e.result === 'ok').map((e) => [e.namespace, e.target])).toEqual([
      ['default', 'shop.greet@1.0.0'],
      ['team-b', 'team-b:shop.greet@1.0.0'],
      ['team-a', 'team-a:shop.greet@1.0.0'],
    ]);
    // A namespace that cannot be part of a workflow name holds no definitions: 400, nothing stored.
    const spaced = await call('POST', '/api/definitions', 'spaced', { yaml: definition('x') });
    expect(spaced.status).toBe(400);
    expect(spaced.body.error.code).toBe('BATON_INVALID_ARGUMENT');
    expect((await store.listDefinitions()).length).toBe(3);
  });

  it("lists, reads and draws only the namespace's own definitions; another namespace's is 404", async () => {
    expect(await names('a')).toEqual([['team-a:shop.greet', 'team-a', '1.0.0']]);
    expect(await names('b')).toEqual([['team-b:shop.greet', 'team-b', '1.0.0']]);
    expect(await names('root')).toEqual([['shop.greet', 'default', '1.0.0']]);
    expect(await names('both', 'team-b')).toEqual([['team-b:shop.greet', 'team-b', '1.0.0']]);

    // By its workflow name or by the document's name, in the namespace acted in.
    for (const name of ['team-a:shop.greet', 'shop.greet']) {
      const versions = await call('GET', `/api/definitions/${encodeURIComponent(name)}`, 'a');
      expect(versions.status).toBe(200);
      expect(versions.body).toMatchObject({ name: 'team-a:shop.greet', versions: [{ namespace: 'team-a', version: '1.0.0' }] });
      const one = await call('GET', `/api/definitions/${encodeURIComponent(name)}/versions/1.0.0`, 'a');
      expect(one.body.source).toContain('from-a');
      const graph = await call('GET', `/api/definitions/${encodeURIComponent(name)}/versions/1.0.0/graph`, 'a');
      expect(graph.status).toBe(200);
    }
    for (const [path, key] of [
      ['/api/definitions/team-b%3Ashop.greet', 'a'],
      ['/api/definitions/team-b%3Ashop.greet/versions/1.0.0', 'a'],
      ['/api/definitions/team-b%3Ashop.greet/versions/1.0.0/graph', 'a'],
      ['/api/definitions/team-a%3Ashop.greet', 'root'],
      ['/api/definitions/shop.greet/versions/1.0.0', 'spaced'],
    ] as const) {
      const res = await call('GET', path, key);
      expect([path, key, res.status, res.body.error?.code]).toEqual([path, key, 404, 'BATON_DEFINITION_NOT_FOUND']);
    }
    const workflows = async (key: string) =>
      ((await call('GET', '/api/workflows', key)).body.workflows as { name: string }[]).map((w) => w.name).filter((name) => name.endsWith('shop.greet'));
    expect(await workflows('a')).toEqual(['team-a:shop.greet']);
    expect(await workflows('b')).toEqual(['team-b:shop.greet']);
    expect(await workflows('root')).toEqual(['shop.greet']);
    // A document name is read in the namespace acted in: default's own there, team-b's own in team-b.
    expect((await call('GET', '/api/definitions/shop.greet/versions/1.0.0', 'root')).body.source).toContain('from-default');
    expect((await call('GET', '/api/definitions/shop.greet/versions/1.0.0', 'b')).body.source).toContain('from-b');
    expect((await call('GET', '/api/definitions/shop.greet/versions/1.0.0', 'both', { namespace: 'team-b' })).body.source).toContain('from-b');
  });

  it("starts only the namespace's own definitions, and a worker runs each namespace's own text", async () => {
    const refused = await call('POST', '/api/runs', 'a', { body: { workflow: 'team-b:shop.greet', id: 'a-runs-b' } });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('BATON_WORKFLOW_NOT_FOUND');
    // The document's own name starts the namespace's own definition, never default's.
    const byDocumentName = await call('POST', '/api/runs', 'a', { body: { workflow: 'shop.greet', id: 'a-by-document-name', input: {} } });
    expect([byDocumentName.status, byDocumentName.body.run?.workflow, byDocumentName.body.run?.namespace]).toEqual([201, 'team-a:shop.greet', 'team-a']);
    expect((await call('POST', '/api/runs', 'spaced', { body: { workflow: 'shop.greet', id: 'spaced-runs-default' } })).status).toBe(404);
    expect(await store.getRun('a-runs-b')).toBeUndefined();
    expect((await store.listAudit({ action: 'run.start', target: 'a-runs-b', limit: 5 }))[0]?.result).toBe('BATON_WORKFLOW_NOT_FOUND');

    const workerStore = stores.reopen(store);
    const engine = new Engine({ store: workerStore, logger: silentLogger, pollIntervalMs: 20 });
    const loader = new DefinitionLoader({ engine, pollIntervalMs: 100, logger: silentLogger });
    try {
      await engine.start();
      await loader.start();
      const started: Record<string, string> = {};
      for (const [key, workflow, namespace] of [
        ['a', 'team-a:shop.greet', undefined],
        ['b', 'team-b:shop.greet', undefined],
        ['both', 'team-b:shop.greet', 'team-b'],
        ['root', 'shop.greet', undefined],
      ] as const) {
        const res = await call('POST', '/api/runs', key, { body: { workflow, input: {} }, ...(namespace === undefined ? {} : { namespace }) });
        expect([key, res.status]).toEqual([key, 201]);
        started[`${key}:${workflow}`] = res.body.run.id as string;
      }
      const outputs: Record<string, unknown> = {};
      for (const [label, runId] of Object.entries(started)) {
        const done = await waitFor(async () => {
          const run = await engine.client.get(runId);
          return run?.status === 'completed' ? run : undefined;
        });
        outputs[label] = [done.namespace, done.output];
      }
      expect(outputs).toEqual({
        'a:team-a:shop.greet': ['team-a', { greeting: 'from-a' }],
        'b:team-b:shop.greet': ['team-b', { greeting: 'from-b' }],
        'both:team-b:shop.greet': ['team-b', { greeting: 'from-b' }],
        'root:shop.greet': ['default', { greeting: 'from-default' }],
      });
    } finally {
      loader.stop();
      await engine.stop();
      await workerStore.close();
    }
  });

  it("keeps a tenant definition's schedules and event triggers, and the runs they start, in its namespace", async () => {
    const triggered = (name: string) => `document:
  dsl: '1.0.0'
  namespace: shop
  name: ${name}
  version: '1.0.0'
schedule:
  cron: '0 3 * * *'
  on:
    one:
      with:
        type: shop.restocked
do:
  - note:
      set:
        restocked: true
`;
    expect((await call('POST', '/api/definitions', 'a-admin', { yaml: triggered('restock') })).status).toBe(201);
    const workerStore = stores.reopen(store);
    const engine = new Engine({ store: workerStore, logger: silentLogger, pollIntervalMs: 20 });
    const loader = new DefinitionLoader({ engine, pollIntervalMs: 100, logger: silentLogger });
    try {
      await engine.start();
      await loader.start();
      // The schedule and the trigger are team-a's: listed for its keys only.
      const schedules = async (key: string) =>
        ((await call('GET', '/api/schedules', key)).body.schedules as { id: string; namespace: string }[]).map((s) => [s.id, s.namespace]);
      await waitFor(async () => ((await schedules('a')).length > 0 ? true : undefined));
      expect(await schedules('a')).toEqual([['team-a:shop.restock', 'team-a']]);
      expect(await schedules('root')).toEqual([]);
      const triggers = async (key: string) =>
        ((await call('GET', '/api/triggers', key)).body.events as { workflow: string; type: string }[])
          .filter((t) => t.workflow.endsWith('shop.restock'))
          .map((t) => [t.type, t.workflow]);
      expect(await triggers('a')).toEqual([['shop.restocked', 'team-a:shop.restock']]);
      expect(await triggers('root')).toEqual([]);

      // An event of default starts nothing of team-a's; team-a's own event starts its run in team-a.
      expect((await call('POST', '/api/events', 'root', { body: { type: 'shop.restocked', source: 'test', id: 'd-1', data: {} } })).status).toBeLessThan(300);
      expect((await call('POST', '/api/events', 'a', { body: { type: 'shop.restocked', source: 'test', id: 'a-1', data: {} } })).status).toBeLessThan(300);
      const run = await waitFor(async () => {
        const page = await engine.client.list({ workflow: 'team-a:shop.restock', limit: 10 });
        const done = page.runs.filter((r) => r.status === 'completed');
        return done.length > 0 ? done : undefined;
      });
      expect(run.map((r) => r.namespace)).toEqual(['team-a']);
      const all = await engine.client.list({ workflow: 'team-a:shop.restock', limit: 10 });
      expect(all.runs.map((r) => r.namespace)).toEqual(['team-a']);
    } finally {
      loader.stop();
      await engine.stop();
      await workerStore.close();
    }
  });
});
