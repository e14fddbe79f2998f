/**
 * The API routes behind the dashboard's console pages, on both stores (a SQLite file and a fresh
 * PostgreSQL schema), in process: the workflows' triggers, the latest events with the runs they
 * started, a schedule's history and "run now" (roles, overlap policy, audit), and the OpenAPI document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, type Role, type Store } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { PostgresStore, canConnect } from '@baton/postgres';
import { createApp, defineWebhook } from '@baton/server';
import { waitFor } from '@baton/testkit';

const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const havePostgres = (await canConnect(POSTGRES_URL)) || process.env.CI === 'true';

const welcome = defineWorkflow(
  { name: 'welcome', on: [{ event: 'user.signed-up' }, { event: 'user.invited', match: { 'data.team': 'ops' }, input: 'data' }] },
  async (ctx) => ctx.waitForSignal<string>('go'),
);
const nightly = defineWorkflow({ name: 'nightly' }, async (ctx) => ctx.waitForSignal<string>('go'));

interface StoreCase {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const cases: StoreCase[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'baton-console-api-'));
      return { store: new SqliteStore({ path: join(dir, 'baton.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(havePostgres
    ? [
        {
          name: 'postgres',
          async open() {
            const schema = `baton_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
            return {
              store: new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4 }),
              async cleanup() {
                const client = new pg.Client({ connectionString: POSTGRES_URL });
                await client.connect();
                await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
                await client.end();
              },
            };
          },
        },
      ]
    : []),
];

describe.each(cases)('the console routes on $name', (storeCase) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let engine: Engine;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    ({ store, cleanup } = await storeCase.open());
    engine = new Engine({ store, workflows: [welcome, nightly], logger: silentLogger, pollIntervalMs: 20, schedules: false });
    await engine.start();
    for (const [name, role, namespace] of [
      ['viewer', 'viewer', 'default'],
      ['operator', 'operator', 'default'],
      ['admin', 'admin', 'default'],
      ['elsewhere', 'admin', 'other'],
    ] as const) {
      const key = newApiKey({ name, role: role as Role, namespace }, Date.now());
      await store.createApiKey(key.record);
      keys[name] = key.token;
    }
    const webhooks = [
      defineWebhook({ name: 'signup', workflow: 'welcome', secret: 'a-secret-of-sixteen+' }),
      defineWebhook({ name: 'open', workflow: 'nightly' }),
    ];
    app = createApp({ client: engine.client, store, workflows: engine.workflows, webhooks });
  });

  afterAll(async () => {
    await engine.stop({ timeoutMs: 2000 });
    await store.close();
    await cleanup();
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${keys[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it("lists each workflow's event triggers, webhooks and schedules", async () => {
    expect((await call('admin', 'POST', '/api/schedules', { id: 'nightly-run', workflow: 'nightly', cron: '0 3 * * *', timezone: 'Asia/Tokyo' })).status).toBe(
      201,
    );
    const { status, body } = await call('viewer', 'GET', '/api/triggers');
    expect(status).toBe(200);
    expect(body.events).toEqual([
      { namespace: 'default', workflow: 'welcome', type: 'user.signed-up', input: 'event', queue: 'default' },
      { namespace: 'default', workflow: 'welcome', type: 'user.invited', match: { 'data.team': 'ops' }, input: 'data', queue: 'default' },
    ]);
    expect(body.webhooks).toEqual([
      { name: 'signup', workflow: 'welcome', namespace: 'default', path: '/hooks/signup', signed: true },
      { name: 'open', workflow: 'nightly', namespace: 'default', path: '/hooks/open', signed: false },
    ]);
    expect(body.schedules).toEqual([
      expect.objectContaining({ id: 'nightly-run', workflow: 'nightly', cron: '0 3 * * *', timezone: 'Asia/Tokyo', paused: false }),
    ]);
    expect((await app.request('/api/triggers')).status).toBe(401);
  });

  it('reads the latest events with the runs each started, newest first, in pages', async () => {
    const first = (await call('operator', 'POST', '/api/events', { type: 'user.signed-up', data: { email: 'a@example.com' } })).body.event;
    const second = (await call('operator', 'POST', '/api/events', { type: 'user.invited', data: { team: 'ops' } })).body.event;
    const third = (await call('operator', 'POST', '/api/events', { type: 'user.invited', data: { team: 'sales' } })).body.event;
    const { status, body } = await call('viewer', 'GET', '/api/events/recent?limit=2');
    expect(status).toBe(200);
    expect(body.events.map((e: { seq: number }) => e.seq)).toEqual([third.seq, second.seq]);
    expect(body.events[0].runs).toEqual([]);
    expect(body.events[1].runs).toEqual([{ runId: `welcome@event-${second.seq}`, workflow: 'welcome', status: expect.any(String), at: expect.any(String) }]);
    expect(body.nextBefore).toBe(second.seq);
    const next = await call('viewer', 'GET', `/api/events/recent?limit=2&before=${body.nextBefore}`);
    expect(next.body.events.map((e: { seq: number; runs: { runId: string }[] }) => [e.seq, e.runs.map((r) => r.runId)])).toEqual([
      [first.seq, [`welcome@event-${first.seq}`]],
    ]);
    expect(next.body.nextBefore).toBeUndefined();
    await waitFor(
      async () =>
        (await call('viewer', 'GET', '/api/events/recent')).body.events.find((e: { seq: number }) => e.seq === first.seq).runs[0].status === 'waiting',
    );
    // Another namespace's key sees none of these events (nor their runs).
    expect((await call('elsewhere', 'GET', '/api/events/recent')).body.events).toEqual([]);
    for (const bad of ['limit=0', 'limit=201', 'before=0', 'before=x', 'type=']) {
      const refused = await call('viewer', 'GET', `/api/events/recent?${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code, bad).toBe('BATON_INVALID_ARGUMENT');
    }
  });

  it('runs a schedule now for an admin, within its overlap policy, audited, and keeps its history', async () => {
    const viewer = await call('viewer', 'POST', '/api/schedules/nightly-run/run');
    expect(viewer.status).toBe(403);
    expect((await call('operator', 'POST', '/api/schedules/nightly-run/run')).status).toBe(403);
    const started = await call('admin', 'POST', '/api/schedules/nightly-run/run');
    expect(started.status).toBe(201);
    const runId = started.body.runId as string;
    expect(runId).toMatch(/^nightly-run@\d{4}-\d\d-\d\dT/);
    // 'skip' (the default): a second run while the first goes on is refused.
    const refused = await call('admin', 'POST', '/api/schedules/nightly-run/run');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'BATON_SCHEDULE_BUSY', details: { lastRunId: runId } });
    const history = await call('viewer', 'GET', '/api/schedules/nightly-run/runs');
    expect(history.body.runs).toEqual([{ runId, workflow: 'nightly', status: expect.any(String), at: expect.any(String) }]);
    const audit = await call('admin', 'GET', '/api/audit?action=schedule.run');
    expect(audit.body.entries.map((e: { result: string; target: string }) => [e.target, e.result])).toEqual([
      ['nightly-run', 'BATON_SCHEDULE_BUSY'],
      ['nightly-run', 'ok'],
    ]);
    expect(audit.body.entries[1].detail).toEqual({ runId });

    await call('admin', 'POST', '/api/schedules/nightly-run/pause');
    expect((await call('admin', 'POST', '/api/schedules/nightly-run/run')).body.error.code).toBe('BATON_SCHEDULE_PAUSED');
    expect((await call('admin', 'POST', '/api/schedules/nope/run')).status).toBe(404);
    expect((await call('viewer', 'GET', '/api/schedules/nope/runs')).body.error.code).toBe('BATON_SCHEDULE_NOT_FOUND');
    expect((await call('viewer', 'GET', '/api/schedules/nightly-run/runs?limit=0')).status).toBe(400);
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = (await call('viewer', 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/triggers']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/events/recent']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/schedules/{id}/run']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/schedules/{id}/runs']!)).toEqual(['get']);
  });
});
