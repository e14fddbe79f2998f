/**
 * NUL and lone surrogates at the API's edge, on SQLite and PostgreSQL alike: in a path, a query
 * parameter or a body string they are a 400 BATON_INVALID_TEXT naming the field (never a 5xx, never a
 * search that matches runs without them), and nothing is written; in payloads (run input, signal and
 * event data) they round-trip exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, unstorableCharacter, type Store } from '@baton/core';
import { createApp } from '@baton/server';
import { testStores } from './test-stores.js';

const stores = testStores('the unstorable-text API tests');

// Known workflows; the engine is never started, so their runs stay queued.
const plain = defineWorkflow({ name: 'plain' }, async () => 'done');
const odd = defineWorkflow({ name: 'odd' }, async () => 'done');

const ODD = { nul: 'a\u0000b', high: 'x\ud800', low: '\udc00y', pair: '😀', ['k\u0000']: ['\u0000', '\ud83d'] };

describe.each(stores)('unstorable text over HTTP: $name', (testStore) => {
  let store: Store;
  let engine: Engine;
  let app: ReturnType<typeof createApp>;
  let viewer: string;
  let admin: string;

  beforeAll(async () => {
    store = testStore.create();
    await store.init();
    engine = new Engine({ store, workflows: [plain, odd], logger: silentLogger, pollIntervalMs: 50 });
    const keys = [newApiKey({ name: 'viewer', role: 'viewer' }, Date.now()), newApiKey({ name: 'admin', role: 'admin' }, Date.now())];
    for (const key of keys) await store.createApiKey(key.record);
    [viewer, admin] = keys.map((key) => key.token) as [string, string];
    app = createApp({ client: engine.client, store, workflows: engine.workflows, onError: (error) => console.error('unexpected', error) });
    // A run that every search could wrongly match.
    await engine.client.start('plain', { text: 'nothing odd' }, { id: 'plain-run', tags: ['plain'] });
  });

  afterAll(async () => {
    await engine.stop();
    await store.close();
  });

  const send = (token: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('answers 400 BATON_INVALID_TEXT naming the field, for viewers and admins alike, and changes nothing (a refused change is audited as refused)', async () => {
    const auditBefore = await store.listAudit({ limit: 1000 });
    const cases: [string, string, string, unknown, string][] = [
      [viewer, 'GET', '/api/runs/a%00b', undefined, 'path'],
      [viewer, 'GET', '/api/runs?search=a%00', undefined, 'query.search'],
      [viewer, 'GET', '/api/runs?search=ab%00', undefined, 'query.search'],
      [viewer, 'GET', '/api/runs?search=%00', undefined, 'query.search'],
      [viewer, 'GET', '/api/runs?workflow=%00', undefined, 'query.workflow'],
      [viewer, 'GET', '/api/runs?tag=%00', undefined, 'query.tag'],
      [viewer, 'GET', '/api/runs?parentId=x%00', undefined, 'query.parentId'],
      [viewer, 'GET', '/api/schedules/%00', undefined, 'path'],
      [viewer, 'GET', '/api/events?type=a%00', undefined, 'query.type'],
      [viewer, 'GET', '/api/stream?runId=%00', undefined, 'query.runId'],
      [admin, 'GET', '/api/audit?actor=%00', undefined, 'query.actor'],
      [admin, 'DELETE', '/api/keys/%00', undefined, 'path'],
      [admin, 'POST', '/api/runs', { workflow: 'plain', tags: ['ok', 'bad\u0000'] }, 'body.tags.1'],
      [admin, 'POST', '/api/runs', { workflow: 'plain', id: 'run\ud800' }, 'body.id'],
      [admin, 'POST', '/api/runs', { workflow: 'pl\u0000ain' }, 'body.workflow'],
      [admin, 'POST', '/api/events', { type: 'order.created', id: 'e\u0000' }, 'body.id'],
      [admin, 'POST', '/api/events', { specversion: '1.0', id: 'e1', source: 's\udc00', type: 't' }, 'body.source'],
      [admin, 'POST', '/api/runs/plain-run/signal', { name: 'go\u0000' }, 'body.name'],
      [admin, 'POST', '/api/runs/plain-run/cancel', { reason: 'because\u0000' }, 'body.reason'],
      [admin, 'POST', '/api/schedules', { id: 's1', workflow: 'plain', cron: '0 0 * * *', timezone: 'UTC\u0000' }, 'body.timezone'],
      [admin, 'POST', '/api/keys', { name: 'k\u0000', role: 'viewer' }, 'body.name'],
      [admin, 'POST', '/api/inbox/plain-run/claim', { assignee: 'ann\u0000' }, 'body.assignee'],
    ];
    for (const [token, method, path, body, field] of cases) {
      const res = await send(token, method, path, body);
      const text = await res.text();
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${text}`).toBe(400);
      expect(JSON.parse(text), `${method} ${path}`).toMatchObject({ error: { code: 'BATON_INVALID_TEXT', details: { field } } });
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
    const runs = (await engine.client.list()).runs;
    expect(runs.map((r) => r.id)).toEqual(['plain-run']);
    expect(runs[0]?.status).toBe('queued');
    expect(await engine.client.events.list()).toEqual([]);
    expect(await engine.client.schedules.list()).toEqual([]);
    expect((await store.listApiKeys()).length).toBe(2);
    // Refused changes are audited as refused (reads are not), what they were given kept readably.
    const recorded = (await store.listAudit({ limit: 1000 })).slice(0, -auditBefore.length || undefined);
    expect(recorded.length).toBeGreaterThan(0);
    for (const entry of recorded) {
      expect(entry.result, JSON.stringify(entry)).toBe('BATON_INVALID_TEXT');
      expect(entry.action, JSON.stringify(entry)).not.toMatch(/^(run\.list|run\.get|audit)/);
      expect(unstorableCharacter(`${entry.target}${entry.detail ?? ''}`), JSON.stringify(entry)).toBeUndefined();
    }
    // A search without the character still works as before.
    const found = (await (await send(viewer, 'GET', '/api/runs?search=odd')).json()) as { runs: { id: string }[] };
    expect(found.runs.map((r) => r.id)).toEqual(['plain-run']);
  });

  it('walks deeply nested bodies in linear time, naming the path of the bad string', async () => {
    const nested = (depth: number, bottom: string) => `${'['.repeat(depth)}${bottom}${']'.repeat(depth)}`;
    const deepNul = await app.request('/api/runs', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: `{"workflow":"plain","tags":${nested(50, '"x\\u0000"')}}`,
    });
    expect(((await deepNul.json()) as { error: { code: string; details: { field: string } } }).error).toMatchObject({
      code: 'BATON_INVALID_TEXT',
      details: { field: `body.tags${'.0'.repeat(50)}` },
    });
    // 200,000 levels outside the payload members: answered at once (a walk copying paths would take minutes).
    const deep = await app.request('/api/runs', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: `{"workflow":"plain","tags":${nested(200_000, '"x"')}}`,
    });
    expect(deep.status).toBe(400);
  }, 20_000);

  it('round-trips NUL and lone surrogates in run input, signal data and event data', async () => {
    const started = await send(admin, 'POST', '/api/runs', { workflow: 'odd', id: 'odd-run', input: ODD });
    expect(started.status, await started.clone().text()).toBe(201);
    const shown = (await (await send(viewer, 'GET', '/api/runs/odd-run')).json()) as { run: { input: unknown } };
    expect(shown.run.input).toEqual(ODD);
    expect((await engine.client.get('odd-run'))?.input).toEqual(ODD);

    const signalled = await send(admin, 'POST', '/api/runs/odd-run/signal', { name: 'answer', data: ODD });
    expect(signalled.status).toBe(202);

    const emitted = await send(admin, 'POST', '/api/events', { type: 'odd.event', id: 'odd-1', data: ODD });
    expect(emitted.status).toBe(201);
    const cloud = await send(admin, 'POST', '/api/events', { specversion: '1.0', id: 'odd-2', source: 'tests', type: 'odd.event', data: ODD });
    expect(cloud.status).toBe(201);
    const events = (await (await send(viewer, 'GET', '/api/events?type=odd.event')).json()) as { events: { id: string; data: unknown }[] };
    expect(events.events.map((e) => [e.id, e.data])).toEqual([
      ['odd-1', ODD],
      ['odd-2', ODD],
    ]);
  });
});
