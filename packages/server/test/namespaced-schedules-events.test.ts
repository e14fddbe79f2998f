/**
 * Schedules, events and triggers in namespaces through the API, on SQLite and PostgreSQL over real
 * HTTP on loopback: a key of namespace B cannot see, change or fire A's schedules, read A's events or
 * triggers; an event posted with B's key wakes none of A's waiting runs and starts none of A's
 * triggers; a signed webhook's runs start in the webhook's namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, type ReceivedEvent, type Store } from '@baton/core';
import { defineWebhook, signWebhook, startApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

const SECRET = 'whsec_namespaces_0123456789';
const report = defineWorkflow({ name: 'ns-api-report' }, async (ctx, input: { team: string }) => ctx.step('report', () => input.team));
const invoice = defineWorkflow({ name: 'ns-api-invoice', on: { event: 'order.paid', input: 'data' } }, async (_ctx, data: { order: string }) => data.order);
const waiter = defineWorkflow({ name: 'ns-api-waiter' }, async (ctx) => ctx.waitForEvent<{ order: string }>('order.paid'));
const hooked = defineWorkflow({ name: 'ns-api-hooked' }, async (_ctx, body: { n: number }) => body.n);

describe.each(testStores('the namespaced schedules and events API tests'))('schedules, events and triggers in namespaces on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${tokens[key]}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const waitForRun = async (runId: string, status: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while ((await store.getRun(runId))?.status !== status) {
      if (Date.now() > deadline) throw new Error(`run ${runId} did not become ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    store = stores.create();
    // Team A's worker: the triggers its workflows declare belong to team-a.
    engine = new Engine({ store, workflows: [report, invoice, waiter, hooked], logger: silentLogger, pollIntervalMs: 20, namespace: 'team-a' });
    await engine.start();
    for (const [name, role, namespace] of [
      ['a-admin', 'admin', 'team-a'],
      ['b-admin', 'admin', 'team-b'],
      ['a', 'operator', 'team-a'],
      ['b', 'operator', 'team-b'],
    ] as const) {
      const key = newApiKey({ name, role, namespace }, Date.now());
      await store.createApiKey(key.record);
      tokens[name] = key.token;
    }
    server = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      webhooks: [defineWebhook({ name: 'b-orders', workflow: 'ns-api-hooked', secret: SECRET, namespace: 'team-b' })],
      host: '127.0.0.1',
      port: 0,
    });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  it("keeps a namespace's schedules from another namespace's keys: 404 to read, change or fire, 409 to take its id", async () => {
    const created = await call('POST', '/api/schedules', 'a-admin', { id: 'a-nightly', workflow: 'ns-api-report', cron: '0 3 * * *', input: { team: 'a' } });
    expect(created).toMatchObject({ status: 201, body: { schedule: { id: 'a-nightly', namespace: 'team-a' } } });

    expect((await call('GET', '/api/schedules', 'b')).body.schedules).toEqual([]);
    expect((await call('GET', '/api/schedules', 'a')).body.schedules.map((s: { id: string }) => s.id)).toEqual(['a-nightly']);
    for (const [method, path, body] of [
      ['GET', '/api/schedules/a-nightly', undefined],
      ['GET', '/api/schedules/a-nightly/runs', undefined],
      ['PATCH', '/api/schedules/a-nightly', { cron: '*/5 * * * *' }],
      ['POST', '/api/schedules/a-nightly/pause', undefined],
      ['POST', '/api/schedules/a-nightly/resume', undefined],
      ['POST', '/api/schedules/a-nightly/run', undefined],
      ['DELETE', '/api/schedules/a-nightly', undefined],
    ] as const) {
      const answer = await call(method, path, 'b-admin', body);
      expect([method, path, answer.status, answer.body.error?.code]).toEqual([method, path, 404, 'BATON_SCHEDULE_NOT_FOUND']);
    }
    const taken = await call('POST', '/api/schedules', 'b-admin', { id: 'a-nightly', workflow: 'ns-api-report', cron: '0 4 * * *', input: { team: 'b' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'BATON_SCHEDULE_EXISTS', details: { reason: 'other-namespace' } });
    expect(await store.getSchedule('a-nightly')).toMatchObject({ namespace: 'team-a', cron: '0 3 * * *', paused: false });
    // The refusals are audited under B's key, in B's namespace.
    const refused = await store.listAudit({ action: 'schedule.delete', limit: 10 });
    expect(refused.map((e) => [e.namespace, e.result])).toContainEqual(['team-b', 'BATON_SCHEDULE_NOT_FOUND']);

    // A's admin fires it now: the run starts in team-a, and only A sees it in the history.
    const fired = await call('POST', '/api/schedules/a-nightly/run', 'a-admin');
    expect(fired.status).toBe(201);
    expect((await store.getRun(fired.body.runId))?.namespace).toBe('team-a');
    expect((await call('GET', '/api/schedules/a-nightly/runs', 'a')).body.runs.map((r: { runId: string }) => r.runId)).toEqual([fired.body.runId]);
    expect((await call('GET', `/api/runs/${fired.body.runId}`, 'b')).status).toBe(404);

    // The triggers page of each key lists its namespace's schedules only.
    expect((await call('GET', '/api/triggers', 'b')).body.schedules).toEqual([]);
    expect((await call('GET', '/api/triggers', 'a')).body.schedules).toMatchObject([{ id: 'a-nightly', namespace: 'team-a' }]);
  });

  it("posts events in the key's namespace: B's event wakes none of A's runs and starts none of A's triggers", async () => {
    const waiting = await call('POST', '/api/runs', 'a', { workflow: 'ns-api-waiter', id: 'a-waits' });
    expect(waiting.status).toBe(201);
    await waitForRun('a-waits', 'waiting');

    const inB = await call('POST', '/api/events', 'b', { type: 'order.paid', data: { order: 'b-1' }, id: 'evt-1', source: 'shop' });
    expect(inB).toMatchObject({ status: 201, body: { event: { namespace: 'team-b' } } });
    const cloudInB = await call('POST', '/api/events', 'b', { specversion: '1.0', id: 'ce-1', source: 'shop', type: 'order.paid', data: { order: 'b-2' } });
    expect(cloudInB).toMatchObject({ status: 201, body: { event: { namespace: 'team-b' } } });
    // The same source and id in A's namespace is A's own event, not a duplicate of B's.
    const inA = await call('POST', '/api/events', 'a', { type: 'order.paid', data: { order: 'a-1' }, id: 'evt-1', source: 'shop' });
    expect(inA).toMatchObject({ status: 201, body: { event: { namespace: 'team-a' } } });

    await waitForRun('a-waits', 'completed');
    expect(((await engine.client.result('a-waits')) as ReceivedEvent<{ order: string }>).data).toEqual({ order: 'a-1' });
    const triggered = `ns-api-invoice@event-${inA.body.event.seq as number}`;
    await waitForRun(triggered, 'completed');
    expect((await store.getRun(triggered))?.namespace).toBe('team-a');
    for (const seq of [inB.body.event.seq, cloudInB.body.event.seq]) expect(await store.getRun(`ns-api-invoice@event-${seq as number}`)).toBeUndefined();

    // Each key reads its namespace's log, recent events and triggers only.
    const seqsOf = async (path: string, key: string) => (await call('GET', path, key)).body.events.map((e: { seq: number }) => e.seq);
    expect(await seqsOf('/api/events', 'b')).toEqual([inB.body.event.seq, cloudInB.body.event.seq]);
    expect(await seqsOf('/api/events?type=order.paid', 'a')).toEqual([inA.body.event.seq]);
    expect(await seqsOf('/api/events/recent', 'b')).toEqual([cloudInB.body.event.seq, inB.body.event.seq]);
    const recentA = (await call('GET', '/api/events/recent', 'a')).body.events;
    expect(recentA.map((e: { seq: number; runs: { runId: string }[] }) => [e.seq, e.runs.map((r) => r.runId)])).toEqual([[inA.body.event.seq, [triggered]]]);
    expect((await call('GET', '/api/triggers', 'b')).body.events).toEqual([]);
    expect((await call('GET', '/api/triggers', 'a')).body.events).toMatchObject([{ namespace: 'team-a', workflow: 'ns-api-invoice', type: 'order.paid' }]);
  });

  it("starts a signed webhook's run in the webhook's namespace, seen by that namespace's keys only", async () => {
    const body = JSON.stringify({ n: 7 });
    const delivered = await call('POST', '/hooks/b-orders', undefined, body, { 'x-baton-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)) });
    expect(delivered.status).toBe(202);
    const runId = delivered.body.runId as string;
    expect((await store.getRun(runId))?.namespace).toBe('team-b');
    await waitForRun(runId, 'completed');
    expect((await call('GET', `/api/runs/${runId}`, 'b')).status).toBe(200);
    expect((await call('GET', `/api/runs/${runId}`, 'a')).status).toBe(404);
  });
});
