/**
 * The review of failed runs and namespaces' failure workflows through the API, over real HTTP on
 * loopback: the queue, resolving with a note (audited), retry taking a run out of the queue, the
 * skipped status in a run's journal, roles (viewers read, operators resolve, admins set failure
 * workflows), namespaces kept apart, and bad input answered with stable codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, TerminalError, defineWorkflow, failureRunId, newApiKey, silentLogger, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

let fixed = false;
const flaky = defineWorkflow({ name: 'flaky-order' }, async (ctx) => {
  const discount = await ctx.step(
    'discount',
    (): number => {
      throw new TerminalError('discount service down');
    },
    { fallback: 0 },
  );
  await ctx.step('charge', () => {
    if (!fixed) throw new TerminalError('card declined');
  });
  return discount;
});
const handler = defineWorkflow({ name: 'page-someone' }, async (_ctx, info: { runId: string }) => info.runId);

describe.each(testStores('the review API tests'))('failed-run review through the API on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, options: { body?: unknown; role?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[options.role ?? 'operator']}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const status = async (id: string) => (await store.getRun(id))?.status;

  beforeAll(async () => {
    fixed = false;
    store = stores.create();
    engine = new Engine({ store, workflows: [flaky, handler], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const [role, namespace] of [
      ['admin', 'default'],
      ['operator', 'default'],
      ['viewer', 'default'],
      ['other', 'other'],
    ] as const) {
      const key = newApiKey({ name: role, role: role === 'other' ? 'admin' : role, namespace }, Date.now());
      await store.createApiKey(key.record);
      tokens[role] = key.token;
    }
    server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  it('sets the namespace failure workflow (admins only, audited), lists failed runs, resolves and retries them', async () => {
    expect((await call('PUT', '/api/failure-workflows/default', { body: { workflow: 'page-someone' } })).status).toBe(403);
    expect((await call('PUT', '/api/failure-workflows/default', { body: { workflow: 'no spaces' }, role: 'admin' })).body.error.code).toBe(
      'BATON_INVALID_ARGUMENT',
    );
    expect((await call('PUT', '/api/failure-workflows/default', { body: { workflow: 'x' }, role: 'other' })).body.error.code).toBe('BATON_INVALID_ARGUMENT');
    const set = await call('PUT', '/api/failure-workflows/default', { body: { workflow: 'page-someone' }, role: 'admin' });
    expect(set).toMatchObject({ status: 200, body: { failureWorkflow: { namespace: 'default', workflow: 'page-someone' } } });
    expect((await call('GET', '/api/failure-workflows', { role: 'viewer' })).body.failureWorkflows).toHaveLength(1);
    expect((await call('GET', '/api/failure-workflows', { role: 'other' })).body.failureWorkflows).toEqual([]);

    const started = await call('POST', '/api/runs', { body: { workflow: 'flaky-order', input: null } });
    const id = started.body.run.id as string;
    await waitFor(async () => (await status(id)) === 'failed');
    await waitFor(async () => (await status(failureRunId({ id, claims: 1 }))) === 'completed');

    const run = await call('GET', `/api/runs/${id}`, { role: 'viewer' });
    expect(run.body.journal.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      ['discount', 'skipped'],
      ['charge', 'failed'],
    ]);
    expect((await call('GET', '/api/reviews', { role: 'viewer' })).body.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await call('GET', '/api/reviews', { role: 'other' })).body.runs).toEqual([]);
    expect((await call('GET', '/api/reviews?state=later', { role: 'viewer' })).status).toBe(400);

    expect((await call('POST', `/api/reviews/${id}/resolve`, { body: { note: 'x' }, role: 'viewer' })).status).toBe(403);
    expect((await call('POST', `/api/reviews/${id}/resolve`, { body: { note: 'x' }, role: 'other' })).status).toBe(404);
    expect((await call('POST', `/api/reviews/${id}/resolve`, { body: { note: 'x'.repeat(2001) } })).status).toBe(400);
    const resolved = await call('POST', `/api/reviews/${id}/resolve`, { body: { note: 'customer called' } });
    expect(resolved).toMatchObject({ status: 200, body: { review: { runId: id, note: 'customer called' } } });
    expect((await call('GET', `/api/reviews/${id}`, { role: 'viewer' })).body.review).toMatchObject({ note: 'customer called' });
    expect((await call('GET', '/api/reviews')).body.runs).toEqual([]);
    expect((await call('GET', '/api/reviews?state=resolved')).body.runs.map((r: { id: string }) => r.id)).toEqual([id]);

    fixed = true;
    expect((await call('POST', `/api/runs/${id}/retry`)).status).toBe(200);
    await waitFor(async () => (await status(id)) === 'completed');
    expect((await call('GET', '/api/reviews?state=resolved')).body.runs).toEqual([]);
    expect((await call('POST', `/api/reviews/${id}/resolve`, {})).body.error.code).toBe('BATON_RUN_NOT_FAILED');

    const audit = await call('GET', '/api/audit?limit=100', { role: 'admin' });
    const actions = (audit.body.entries as { action: string; result: string }[]).map((e) => `${e.action}:${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['namespace.failureWorkflow:ok', 'run.resolve:ok', 'run.retry:ok', 'run.resolve:BATON_RUN_NOT_FAILED']));
    expect((await call('DELETE', '/api/failure-workflows/default', { role: 'admin' })).body).toEqual({ cleared: true });
  });
});
