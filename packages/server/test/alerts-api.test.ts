/** Alert rules over HTTP (admin only, audited, each bad rule a 400 with BATON_INVALID_ALERT_RULE and its issues), and transitions with their state. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvaluator, Client, ManualClock, newApiKey } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';

let dir: string;
let store: SqliteStore;
let app: ReturnType<typeof createApp>;
let adminKey: string;
let operatorKey: string;
let shopAdminKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-alerts-api-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  const made = [
    newApiKey({ name: 'root', role: 'admin' }, Date.now()),
    newApiKey({ name: 'ops', role: 'operator' }, Date.now()),
    newApiKey({ name: 'shop root', role: 'admin', namespace: 'shop' }, Date.now()),
  ];
  for (const key of made) await store.createApiKey(key.record);
  [adminKey, operatorKey, shopAdminKey] = made.map((k) => k.token) as [string, string, string];
  app = createApp({ client: new Client({ store }), store, alertChannels: ['ops-hook', 'oncall'] });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, key: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

const depthRule = {
  id: 'imports-backlog',
  name: 'Imports backlog',
  condition: { kind: 'queue-depth', queue: 'imports' },
  threshold: 0,
  channels: ['ops-hook'],
};

describe('alert rules over HTTP', () => {
  it('creates, lists with state, replaces and deletes rules, admin only, each change audited', async () => {
    expect((await call('GET', '/api/alerts', operatorKey)).status).toBe(403);
    expect((await call('POST', '/api/alerts', operatorKey, depthRule)).status).toBe(403);

    const created = await call('POST', '/api/alerts', adminKey, { ...depthRule, window: '10m', repeatEvery: '1h' });
    expect(created.status).toBe(201);
    expect(created.body.rule).toMatchObject({
      id: 'imports-backlog',
      namespace: 'default',
      window: 600_000,
      repeatEvery: 3_600_000,
      severity: 'warning',
      source: 'api',
      state: { firing: false },
    });
    const again = await call('POST', '/api/alerts', adminKey, depthRule);
    expect([again.status, again.body.error.code]).toEqual([409, 'BATON_ALERT_RULE_EXISTS']);

    // The rule fires over the store's runs; the list shows its state and the transition.
    await store.createRun({ id: 'q1', workflow: 'import', version: '1', input: '{}', queue: 'imports', priority: 0, namespace: 'default' }, Date.now());
    await new AlertEvaluator({ store, holder: 'test', clock: new ManualClock(Date.now() + 1000) }).evaluate();
    const listed = await call('GET', '/api/alerts', adminKey);
    expect(listed.body.channels).toEqual(['ops-hook', 'oncall']);
    expect(listed.body.rules).toHaveLength(1);
    expect(listed.body.rules[0].state).toMatchObject({ firing: true, value: 1 });
    const transitions = await call('GET', '/api/alerts/transitions?rule=imports-backlog', adminKey);
    expect(transitions.body.transitions).toEqual([
      expect.objectContaining({ ruleId: 'imports-backlog', kind: 'firing', value: 1, threshold: 0, outcomes: [] }),
    ]);

    const replaced = await call('PUT', '/api/alerts/imports-backlog', adminKey, { ...depthRule, threshold: 10, severity: 'critical' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.rule).toMatchObject({ threshold: 10, severity: 'critical', state: { firing: true } });

    // Another namespace's admin sees none of it and cannot touch it.
    expect((await call('GET', '/api/alerts', shopAdminKey)).body.rules).toEqual([]);
    expect((await call('GET', '/api/alerts/transitions', shopAdminKey)).body.transitions).toEqual([]);
    expect((await call('DELETE', '/api/alerts/imports-backlog', shopAdminKey)).status).toBe(404);
    expect((await call('PUT', '/api/alerts/imports-backlog', shopAdminKey, depthRule)).status).toBe(404);

    expect((await call('DELETE', '/api/alerts/imports-backlog', adminKey)).body).toEqual({ deleted: 'imports-backlog' });
    const gone = await call('DELETE', '/api/alerts/imports-backlog', adminKey);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'BATON_ALERT_RULE_NOT_FOUND']);

    const audit = await store.listAudit({ target: 'imports-backlog', limit: 20 });
    expect(audit.map((e) => `${e.action} ${e.result}`).sort()).toEqual([
      'alert.create BATON_ALERT_RULE_EXISTS',
      'alert.create ok',
      'alert.delete BATON_ALERT_RULE_NOT_FOUND',
      'alert.delete BATON_ALERT_RULE_NOT_FOUND',
      'alert.delete ok',
      'alert.update BATON_ALERT_RULE_NOT_FOUND',
      'alert.update ok',
    ]);
  });

  it('refuses a bad rule with BATON_INVALID_ALERT_RULE naming each problem, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ ...depthRule, id: 'Bad Id' }, 'id'],
      [{ ...depthRule, condition: { kind: 'cpu' } }, 'condition.kind'],
      [{ ...depthRule, threshold: 'high' }, 'threshold'],
      [{ ...depthRule, window: 'soon' }, 'window'],
      [{ ...depthRule, channels: ['pager'] }, 'channels.0'],
      [{ ...depthRule, namespace: 'shop' }, 'namespace'],
      [{ ...depthRule, condition: { kind: 'stuck', status: 'running' } }, 'condition.for'],
    ];
    for (const [body, path] of cases) {
      const res = await call('POST', '/api/alerts', adminKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('BATON_INVALID_ALERT_RULE');
      expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    // A body that is no object fails the route's own schema.
    expect((await call('POST', '/api/alerts', adminKey, ['not', 'a', 'rule'])).body.error.code).toBe('BATON_INVALID_ARGUMENT');
    const put = await call('PUT', '/api/alerts/x', adminKey, depthRule);
    expect(put.status).toBe(404);
    expect(await store.listAlertRules()).toEqual([]);
  });
});
