/**
 * GET /api/definitions/{name}/versions/{version}/graph: a deployed definition's graph, through real
 * HTTP on loopback, on SQLite and PostgreSQL; 404 BATON_DEFINITION_NOT_FOUND for an unknown name or
 * version; a viewer may read it. POST /api/definitions/graph: a draft text's graph, a viewer's too;
 * an invalid text 400 BATON_INVALID_DEFINITION with each issue's line and column; nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, newApiKey, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

const DOCUMENT = {
  document: { dsl: '1.0.0', namespace: 'shop', name: 'order', version: '1.2.0' },
  do: [
    { check: { switch: [{ low: { when: '.stock < 1', then: 'reorder' } }, { otherwise: { then: 'ship' } }] } },
    { reorder: { call: 'http', with: { method: 'post', endpoint: 'https://supplier.example/v1/orders' } } },
    { ship: { set: { shipped: true } } },
  ],
};

describe.each(testStores('the definition graph API tests'))('the definition graph through the API on $name', (stores) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let viewer: string;

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    store = stores.create();
    await store.init();
    const key = newApiKey({ name: 'reader', role: 'viewer' }, Date.now());
    await store.createApiKey(key.record);
    viewer = key.token;
    const source = JSON.stringify(DOCUMENT);
    await store.deployDefinition(
      { name: 'shop.order', version: '1.2.0', format: 'json', source, document: source, digest: 'sha256:test', createdBy: 'test', triggers: [] },
      Date.now(),
    );
    server = await startApiServer({ client: new Client({ store }), store, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('draws a deployed version: its tasks by JSON pointer and its edges, switch cases labelled', async () => {
    const { status, body } = await get('/api/definitions/shop.order/versions/1.2.0/graph');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'shop.order', version: '1.2.0' });
    expect(body.nodes).toEqual(
      expect.arrayContaining([
        { id: '/do/0/check', name: 'check', kind: 'switch', label: 'switch (2 cases)' },
        { id: '/do/1/reorder', name: 'reorder', kind: 'call', label: 'call http POST …/v1/orders' },
        { id: '/do/2/ship', name: 'ship', kind: 'set', label: 'set shipped' },
      ]),
    );
    expect(body.edges).toEqual(
      expect.arrayContaining([
        { from: '/do/0/check', to: '/do/1/reorder', kind: 'case', label: '.stock < 1' },
        { from: '/do/0/check', to: '/do/2/ship', kind: 'case', label: 'default' },
        { from: '/do/2/ship', to: 'end', kind: 'next' },
      ]),
    );
  });

  it('answers 404 BATON_DEFINITION_NOT_FOUND for an unknown version or name', async () => {
    const version = await get('/api/definitions/shop.order/versions/9.9.9/graph');
    expect(version.status).toBe(404);
    expect(version.body.error).toMatchObject({ code: 'BATON_DEFINITION_NOT_FOUND', details: { name: 'shop.order', version: '9.9.9' } });
    const name = await get('/api/definitions/shop.nothing/versions/1.2.0/graph');
    expect(name.status).toBe(404);
    expect(name.body.error.code).toBe('BATON_DEFINITION_NOT_FOUND');
  });

  const post = async (path: string, payload: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('draws a draft text for a viewer, storing nothing', async () => {
    const draft = `document:
  dsl: '1.0.0'
  namespace: shop
  name: draft
  version: '0.1.0'
input:
  schema:
    format: json
    document: { type: object, properties: { stock: { type: integer } } }
do:
  - check:
      switch:
        - low: { when: '.stock < 1', then: reorder }
        - otherwise: { then: end }
  - reorder:
      set: { reordered: true }
`;
    const { status, body } = await post('/api/definitions/graph', { definition: draft });
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'shop.draft', version: '0.1.0', inputSchema: { type: 'object', properties: { stock: { type: 'integer' } } } });
    expect(body.nodes).toEqual(expect.arrayContaining([{ id: '/do/1/reorder', name: 'reorder', kind: 'set', label: 'set reordered' }]));
    expect(body.edges).toEqual(expect.arrayContaining([{ from: '/do/0/check', to: '/do/1/reorder', kind: 'case', label: '.stock < 1' }]));
    expect(await store.listDefinitionVersions('shop.draft')).toEqual([]);
  });

  it('refuses an invalid draft with 400 BATON_INVALID_DEFINITION and each issue in place, and a body without text with 400', async () => {
    const broken = `document:
  dsl: '1.0.0'
  namespace: shop
  name: draft
  version: '0.1.0'
do:
  - first:
      set: { a: 1 }
      then: nowhere
`;
    const { status, body } = await post('/api/definitions/graph', { definition: broken });
    expect(status).toBe(400);
    expect(body.error.code).toBe('BATON_INVALID_DEFINITION');
    expect(body.error.details.issues).toEqual([expect.objectContaining({ kind: 'reference', path: '/do/0/first/then', line: 9, column: expect.any(Number) })]);
    const empty = await post('/api/definitions/graph', { definition: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('BATON_INVALID_ARGUMENT');
    // Checked against what the deployment has, as the planner checks its answers.
    const unknownWorkflow = broken.replace(
      '      set: { a: 1 }\n      then: nowhere',
      '      call: baton.workflow\n      with: { name: shop.nothing, input: {} }',
    );
    const catalog = await post('/api/definitions/graph', { definition: unknownWorkflow });
    expect(catalog.status).toBe(400);
    expect(catalog.body.error.details.issues).toEqual([
      expect.objectContaining({
        kind: 'catalog',
        path: '/do/0/first/with/name',
        line: 9,
        message: expect.stringContaining("calls workflow 'shop.nothing', which the catalog does not have"),
      }),
    ]);
    const notYaml = await post('/api/definitions/graph', { definition: 'do: [' });
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.error.details.issues[0].kind).toBe('syntax');
  });

  it('is in the OpenAPI document', async () => {
    const { body } = await get('/api/openapi.json');
    expect(Object.keys(body.paths as object)).toEqual(
      expect.arrayContaining(['/api/definitions/{name}/versions/{version}/graph', '/api/definitions/graph', '/api/plans', '/api/plans/{id}']),
    );
  });
});
