/**
 * Deployed definitions through the API, on SQLite and PostgreSQL over real HTTP on loopback: deploy
 * as YAML, as a JSON document and as { source }; the same text again is a no-op, another text 409;
 * invalid text 400 with the issues; only admins deploy; every deploy and refusal is audited; the
 * list, versions and source routes; a deployed definition is a known workflow that a worker loading
 * definitions runs, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Engine, newApiKey, silentLogger, type Store } from '@baton/core';
import { DefinitionLoader } from '@baton/dsl';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

function definition(version: string, greeting: string, name = 'greet'): string {
  return `document:
  dsl: '1.0.0'
  namespace: shop
  name: ${name}
  version: '${version}'
  summary: Greets a customer
schedule:
  on:
    one:
      with:
        type: customer.joined
do:
  - hello:
      set:
        greeting: ${greeting}
`;
}

describe.each(testStores('the definitions API tests'))('deployed definitions through the API on $name', (stores) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};
  const deployed: string[] = [];

  const call = async (method: string, path: string, options: { body?: string; type?: string; role?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[options.role ?? 'admin']}`, ...(options.type === undefined ? {} : { 'content-type': options.type }) },
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    store = stores.create();
    await store.init();
    for (const role of ['admin', 'operator', 'viewer'] as const) {
      const key = newApiKey({ name: role, role }, Date.now());
      await store.createApiKey(key.record);
      tokens[role] = key.token;
    }
    // As `baton start`: a server without engine or workflows of its own.
    server = await startApiServer({
      client: new Client({ store }),
      store,
      host: '127.0.0.1',
      port: 0,
      definitions: { onDeployed: (d) => deployed.push(`${d.name}@${d.version}`) },
    });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('deploys YAML (201), answers the same text again with 200, refuses another text under that version with 409', async () => {
    const first = await call('POST', '/api/definitions', { body: definition('1.0.0', 'v1'), type: 'application/yaml' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'shop.greet', version: '1.0.0', created: true, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(new Date(first.body.createdAt).getTime()).toBeGreaterThan(0);
    expect(deployed).toEqual(['shop.greet@1.0.0']);

    const again = await call('POST', '/api/definitions', { body: definition('1.0.0', 'v1'), type: 'text/yaml' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, created: false });

    const changed = await call('POST', '/api/definitions', { body: JSON.stringify({ source: definition('1.0.0', 'changed') }), type: 'application/json' });
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'BATON_DEFINITION_EXISTS', details: { name: 'shop.greet', version: '1.0.0' } });
    expect(changed.body.error.message).toMatch(/bump document.version/);
    expect(deployed).toEqual(['shop.greet@1.0.0']);

    const audit = (await call('GET', '/api/audit?action=definition.deploy')).body.entries as { target: string; result: string }[];
    expect(audit.map((a) => a.result).sort()).toEqual(['BATON_DEFINITION_EXISTS', 'ok']);
    expect(audit.find((a) => a.result === 'ok')?.target).toBe('shop.greet@1.0.0');
  });

  it('deploys a JSON document and { source }, and refuses invalid or empty text with 400 and the issues', async () => {
    const document = {
      document: { dsl: '1.0.0', namespace: 'shop', name: 'tally', version: '1' },
      do: [{ count: { set: { n: 1 } } }],
    };
    const asJson = await call('POST', '/api/definitions', { body: JSON.stringify(document), type: 'application/json' });
    expect(asJson.status).toBe(201);
    expect((await call('GET', '/api/definitions/shop.tally/versions/1')).body).toMatchObject({ format: 'json', document });

    const asSource = await call('POST', '/api/definitions', { body: JSON.stringify({ source: definition('2.0.0', 'v2') }), type: 'application/json' });
    expect(asSource.status).toBe(201);
    expect(asSource.body.version).toBe('2.0.0');

    const invalid = await call('POST', '/api/definitions', { body: 'document: [unclosed', type: 'application/yaml' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('BATON_INVALID_DEFINITION');
    expect(invalid.body.error.details.issues.length).toBeGreaterThan(0);
    expect((await call('POST', '/api/definitions', { body: '', type: 'application/yaml' })).body.error.code).toBe('BATON_INVALID_DEFINITION');
    expect((await call('POST', '/api/definitions', { body: JSON.stringify({ source: 5 }), type: 'application/json' })).status).toBe(400);
    expect((await call('POST', '/api/definitions', { body: 'x', type: 'text/plain' })).status).toBe(415);
  });

  it('lets only admins deploy, and any key read', async () => {
    for (const role of ['operator', 'viewer']) {
      const refused = await call('POST', '/api/definitions', { body: definition('9.0.0', 'no'), type: 'application/yaml', role });
      expect(refused.status).toBe(403);
    }
    expect((await call('GET', '/api/definitions', { role: 'viewer' })).status).toBe(200);
    expect((await call('GET', '/api/definitions/shop.greet/versions/9.0.0')).status).toBe(404);
  });

  it('lists names with their latest version, one name’s versions, and one version’s text', async () => {
    const list = await call('GET', '/api/definitions', { role: 'viewer' });
    expect(list.body.definitions.map((d: Record<string, unknown>) => [d.name, d.latestVersion, d.versions, d.description, d.triggers])).toEqual([
      ['shop.greet', '2.0.0', 2, 'Greets a customer', ['event']],
      ['shop.tally', '1', 1, undefined, []],
    ]);
    const versions = await call('GET', '/api/definitions/shop.greet', { role: 'viewer' });
    expect(versions.body.versions.map((v: Record<string, unknown>) => [v.version, v.format, v.createdBy])).toEqual([
      ['1.0.0', 'yaml', expect.any(String)],
      ['2.0.0', 'yaml', expect.any(String)],
    ]);
    const one = await call('GET', '/api/definitions/shop.greet/versions/1.0.0', { role: 'viewer' });
    expect(one.body).toMatchObject({ name: 'shop.greet', version: '1.0.0', source: definition('1.0.0', 'v1'), document: { document: { name: 'greet' } } });
    const missing = await call('GET', '/api/definitions/nope', { role: 'viewer' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('BATON_DEFINITION_NOT_FOUND');
    expect((await call('GET', '/api/workflows', { role: 'viewer' })).body.workflows.map((w: Record<string, unknown>) => w.name)).toContain('shop.greet');
  });

  it('starts runs of a deployed definition that a worker loading definitions runs, pinned to the latest version', async () => {
    expect((await call('POST', '/api/runs', { body: JSON.stringify({ workflow: 'shop.unknown' }), type: 'application/json', role: 'operator' })).status).toBe(
      404,
    );
    const workerStore = stores.reopen(store);
    const engine = new Engine({ store: workerStore, logger: silentLogger, pollIntervalMs: 20 });
    const loader = new DefinitionLoader({ engine, pollIntervalMs: 100, logger: silentLogger });
    try {
      await engine.start();
      await loader.start();
      const started = await call('POST', '/api/runs', {
        body: JSON.stringify({ workflow: 'shop.greet', input: {} }),
        type: 'application/json',
        role: 'operator',
      });
      expect(started.status).toBe(201);
      const runId = started.body.run.id as string;
      expect(started.body.run.version).toBe('2.0.0');
      const done = await waitFor(async () => {
        const run = await engine.client.get(runId);
        return run?.status === 'completed' ? run : undefined;
      });
      expect(done.output).toEqual({ greeting: 'v2' });
      // The event trigger its schedule declares was stored when the worker loaded it.
      expect((await store.listTriggers()).map((t) => [t.workflow, t.type])).toContainEqual(['shop.greet', 'customer.joined']);
    } finally {
      loader.stop();
      await engine.stop();
      await workerStore.close();
    }
  });
});
