/**
 * Namespace quotas through the API, on SQLite and PostgreSQL over real HTTP on loopback: an admin of
 * the operators' namespace sets a tenant's quota (audited); the tenant's starts beyond it get 429
 * BATON_QUOTA_EXCEEDED with Retry-After, another tenant's do not; tenants read only their own quota
 * and cannot change any; bad limits get 400 and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

const hold = defineWorkflow({ name: 'hold' }, async (ctx) => ctx.waitForSignal('go'));

describe.each(testStores('the quota API tests'))('namespace quotas through the API on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[key]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    store = stores.create();
    engine = new Engine({ store, workflows: [hold], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const [name, role, namespace] of [
      ['admin', 'admin', 'default'],
      ['a-admin', 'admin', 'team-a'],
      ['a', 'operator', 'team-a'],
      ['b', 'operator', 'team-b'],
    ] as const) {
      const key = newApiKey({ name, role, namespace }, Date.now());
      await store.createApiKey(key.record);
      tokens[name] = key.token;
    }
    server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  it('keeps a tenant to its quota: 429 with the quota, its limit and Retry-After, other tenants untouched', async () => {
    const set = await call('PUT', '/api/quotas/team-a', 'admin', { runsPerMinute: 2, concurrentRuns: null });
    expect(set).toMatchObject({ status: 200, body: { quota: { namespace: 'team-a', runsPerMinute: 2, updatedBy: expect.any(String) } } });
    expect(set.body.quota.concurrentRuns).toBeUndefined();
    for (const id of ['q1', 'q2']) expect((await call('POST', '/api/runs', 'a', { workflow: 'hold', id })).status).toBe(201);
    const refused = await call('POST', '/api/runs', 'a', { workflow: 'hold', id: 'q3' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'BATON_QUOTA_EXCEEDED', details: { namespace: 'team-a', quota: 'runsPerMinute', limit: 2 } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await store.getRun('q3')).toBeUndefined();
    // A repeat of a start that happened is not a new start.
    expect((await call('POST', '/api/runs', 'a', { workflow: 'hold', id: 'q1' })).status).toBe(200);
    expect((await call('POST', '/api/runs', 'b', { workflow: 'hold', id: 'b1' })).status).toBe(201);

    // Concurrent runs: both runs of team-a are waiting, so a quota of 2 refuses the next without a time.
    await call('PUT', '/api/quotas/team-a', 'admin', { concurrentRuns: 2 });
    const full = await call('POST', '/api/runs', 'a', { workflow: 'hold', id: 'q4' });
    expect(full.status).toBe(429);
    expect(full.body.error.details).toEqual({ namespace: 'team-a', quota: 'concurrentRuns', limit: 2 });
    expect(full.headers.get('retry-after')).toBeNull();
    const audit = await store.listAudit({ action: 'quota.set', limit: 10 });
    expect(audit.map((a) => a.target)).toEqual(['team-a', 'team-a']);
  });

  it('lets tenants read only their own quota and change none', async () => {
    await call('PUT', '/api/quotas/team-b', 'admin', { modelSpendPerDayUsd: 1.5 });
    expect((await call('GET', '/api/quotas', 'admin')).body.quotas.map((q: { namespace: string }) => q.namespace)).toEqual(['team-a', 'team-b']);
    expect((await call('GET', '/api/quotas', 'a')).body.quotas.map((q: { namespace: string }) => q.namespace)).toEqual(['team-a']);
    expect((await call('GET', '/api/quotas/team-a', 'a')).status).toBe(200);
    expect((await call('GET', '/api/quotas/team-b', 'a')).body.error.code).toBe('BATON_NOT_FOUND');
    // Even an admin of the tenant's namespace cannot raise its quota; an operator is not an admin at all.
    const raised = await call('PUT', '/api/quotas/team-a', 'a-admin', { runsPerMinute: 1000 });
    expect(raised).toMatchObject({ status: 403, body: { error: { code: 'BATON_FORBIDDEN' } } });
    expect((await call('DELETE', '/api/quotas/team-b', 'a-admin')).status).toBe(403);
    expect((await call('PUT', '/api/quotas/team-a', 'a', { runsPerMinute: 1000 })).status).toBe(403);
    expect((await store.getQuota('team-a'))?.runsPerMinute).toBeUndefined();
    expect((await store.listAudit({ action: 'quota.set', limit: 10 })).some((a) => a.result === 'BATON_FORBIDDEN')).toBe(true);

    const bad = await call('PUT', '/api/quotas/team-b', 'admin', { runsPerMinute: -1 });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BATON_INVALID_ARGUMENT' } } });
    expect((await call('PUT', '/api/quotas/team-b', 'admin', { perHour: 3 })).status).toBe(400);
    expect((await call('PUT', '/api/quotas/bad%20name', 'admin', {})).body.error.code).toBe('BATON_INVALID_ARGUMENT');
    expect((await store.getQuota('team-b'))?.modelSpendPerDayUsd).toBe(1.5);

    expect((await call('DELETE', '/api/quotas/team-b', 'admin')).status).toBe(204);
    expect((await call('DELETE', '/api/quotas/team-b', 'admin')).status).toBe(404);
  });
});
