/**
 * GET /api/costs (JSON and CSV, a viewer's namespace only, an admin's every namespace) and the agent
 * policy routes (admins set and remove, audited; refusals audited too), on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { Client, newApiKey, type NewRun, type Store } from '@baton/core';
import { createApp } from '@baton/server';
import { testStores } from './test-stores.js';

const DAY = 86_400_000;

interface CostRowJson {
  period: string;
  namespace: string;
  key: string;
  runs: number;
  llmCalls: number;
  costUsd: number;
}
const D0 = Date.UTC(2030, 0, 30);
const REFS = ['bill', 'mail'].map((name) => ({ name, version: '1', current: true }));

function llmOutput(costUsd: number): string {
  const usage = { inputTokens: 100, outputTokens: 50, totalTokens: 150 };
  return JSON.stringify({ kind: 'baton.llm', text: 'ok', model: 'test:m', usage, costUsd, priced: true, cached: false, failures: [], finishReason: 'stop' });
}

async function runWithCall(store: Store, run: Partial<NewRun> & { id: string; workflow: string }, at: number, costUsd: number): Promise<void> {
  await store.createRun({ version: '1', input: '{}', queue: 'default', priority: 0, ...run }, at);
  const [claimed] = await store.claimRuns({ owner: 'w', now: at, leaseMs: DAY, limit: 1, workflows: REFS, queues: ['default'] });
  const journal = [
    {
      runId: run.id,
      seq: 1,
      kind: 'step' as const,
      name: 'llm',
      status: 'completed' as const,
      output: llmOutput(costUsd),
      attempts: 1,
      startedAt: at,
      endedAt: at,
    },
  ];
  await store.commit([{ runId: run.id, leaseToken: claimed!.leaseToken, journal, transition: { kind: 'complete', output: 'null' } }], at + 1);
}

for (const stores of testStores('cost reports and agent policies over HTTP')) {
  describe(`cost reports and agent policies over HTTP (${stores.name})`, () => {
    let store: Store;
    let app: ReturnType<typeof createApp>;
    const keys: Record<'admin' | 'viewer' | 'otherAdmin', string> = { admin: '', viewer: '', otherAdmin: '' };

    beforeAll(async () => {
      store = stores.create();
      await store.init();
      for (const [name, role, namespace] of [
        ['admin', 'admin', 'default'],
        ['viewer', 'viewer', 'default'],
        ['otherAdmin', 'admin', 'other'],
      ] as const) {
        const made = newApiKey({ name, role, namespace }, Date.now());
        await store.createApiKey(made.record);
        keys[name] = made.token;
      }
      await runWithCall(store, { id: 'r1', workflow: 'bill', tags: ['cc:1, "north"', 'team:x'] }, D0 + 1000, 0.5);
      await runWithCall(store, { id: 'r2', workflow: 'mail' }, D0 + DAY + 1000, 0.125);
      await runWithCall(store, { id: 'r3', workflow: 'bill', namespace: 'other', tags: ['team:x'] }, D0 + DAY + 2000, 2);
      app = createApp({ client: new Client({ store }), store });
    });

    afterAll(async () => {
      await store.close();
    });

    const call = async (method: string, path: string, key: string, options: { body?: unknown; accept?: string } = {}) => {
      const res = await app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(options.accept === undefined ? {} : { accept: options.accept }),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, type, text, body: (type.includes('json') ? JSON.parse(text) : undefined) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    it("reports per workflow by day: an admin every namespace's, a viewer its own", async () => {
      const query = '/api/costs?from=2030-01-30&to=2030-02-01&groupBy=workflow&interval=day';
      const admin = await call('GET', query, keys.admin);
      expect(admin.status).toBe(200);
      expect(admin.body.rows.map((r: CostRowJson) => [r.period, r.namespace, r.key, r.runs, r.llmCalls, r.costUsd])).toEqual([
        ['2030-01-30', 'default', 'bill', 1, 1, 0.5],
        ['2030-01-31', 'default', 'mail', 1, 1, 0.125],
        ['2030-01-31', 'other', 'bill', 1, 1, 2],
      ]);
      expect(admin.body.totals).toEqual({ runs: 3, llmCalls: 3, unpricedCalls: 0, costUsd: 2.625 });
      const viewer = await call('GET', query, keys.viewer);
      expect(viewer.body.rows.map((r: CostRowJson) => r.namespace)).toEqual(['default', 'default']);
      expect(await call('GET', `${query}&namespace=other`, keys.viewer)).toMatchObject({ status: 403, body: { error: { code: 'BATON_FORBIDDEN' } } });
      const monthly = await call('GET', '/api/costs?from=2030-01-01&to=2030-03-01&groupBy=namespace&interval=month', keys.admin);
      expect(monthly.body.rows.map((r: CostRowJson) => [r.period, r.key, r.runs, r.costUsd])).toEqual([
        ['2030-01', 'default', 2, 0.625],
        ['2030-01', 'other', 1, 2],
      ]);
    });

    it('answers CSV with the documented columns, quoting tags with commas and quotes, for Accept: text/csv and format=csv alike', async () => {
      const query = '/api/costs?from=2030-01-30&to=2030-02-01&groupBy=tag&interval=month';
      const byAccept = await call('GET', query, keys.admin, { accept: 'text/csv' });
      expect(byAccept.status).toBe(200);
      expect(byAccept.type).toContain('text/csv');
      const byFormat = await call('GET', `${query}&format=csv`, keys.admin);
      expect(byFormat.text).toBe(byAccept.text);
      const lines = byAccept.text.trimEnd().split('\n');
      expect(lines[0]).toBe('period,namespace,group_by,key,runs,llm_calls,unpriced_calls,input_tokens,output_tokens,cost_usd');
      expect(lines[1]).toBe('2030-01,default,tag,"cc:1, ""north""",1,1,0,100,50,0.500000');
      const records = parse(byAccept.text, { columns: true }) as Record<string, string>[];
      expect(records.map((r) => [r.namespace, r.key, r.cost_usd])).toEqual([
        ['default', 'cc:1, "north"', '0.500000'],
        ['default', 'team:x', '0.500000'],
        ['other', 'team:x', '2.000000'],
      ]);
    });

    it('refuses a bad period with 400 BATON_INVALID_ARGUMENT', async () => {
      for (const query of [
        'from=2030-02-30&to=2030-03-01',
        'from=2030-01-05&to=2030-01-01',
        'from=2020-01-01&to=2030-01-01',
        'groupBy=queue',
        'from=yesterday',
      ]) {
        const res = await call('GET', `/api/costs?${query}`, keys.admin);
        expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: 'BATON_INVALID_ARGUMENT' });
      }
    });

    it("lets an admin set and remove its namespace's policy, audited, and refuses viewers, other namespaces and bad policies", async () => {
      const policy = { models: { allow: ['openai:*'], deny: ['openai:gpt-5'] }, mcpServers: { deny: ['shell'] } };
      const set = await call('PUT', '/api/policies/default', keys.admin, { body: policy });
      expect(set).toMatchObject({ status: 200, body: { namespace: 'default', policy, updatedBy: expect.any(String) } });
      expect(await call('GET', '/api/policies/default', keys.viewer)).toMatchObject({ status: 200, body: { policy } });
      expect((await call('GET', '/api/policies', keys.viewer)).body.policies).toHaveLength(1);
      // Another namespace's policy reads as none.
      expect(await call('GET', '/api/policies/default', keys.otherAdmin)).toMatchObject({ status: 404, body: { error: { code: 'BATON_POLICY_NOT_FOUND' } } });
      expect(await call('PUT', '/api/policies/default', keys.viewer, { body: {} })).toMatchObject({
        status: 403,
        body: { error: { code: 'BATON_FORBIDDEN' } },
      });
      expect(await call('PUT', '/api/policies/default', keys.otherAdmin, { body: {} })).toMatchObject({
        status: 403,
        body: { error: { code: 'BATON_FORBIDDEN' } },
      });
      for (const bad of [{ models: { allow: 'openai:*' } }, { model: {} }, { tools: { deny: [''] } }]) {
        const res = await call('PUT', '/api/policies/default', keys.admin, { body: bad });
        expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'BATON_INVALID_ARGUMENT' });
      }
      expect(await call('DELETE', '/api/policies/default', keys.admin)).toMatchObject({ status: 200, body: { deleted: true } });
      expect(await call('DELETE', '/api/policies/default', keys.admin)).toMatchObject({ status: 404, body: { error: { code: 'BATON_POLICY_NOT_FOUND' } } });
      expect(await call('GET', '/api/policies/default', keys.admin)).toMatchObject({ status: 404, body: { error: { code: 'BATON_POLICY_NOT_FOUND' } } });
      const audit = await store.listAudit({ target: 'default', limit: 20 });
      const results = audit.filter((e) => e.action.startsWith('policy.')).map((e) => `${e.action}:${e.result}`);
      expect(results).toContain('policy.set:ok');
      expect(results).toContain('policy.delete:ok');
      expect(results.filter((r) => r === 'policy.delete:BATON_POLICY_NOT_FOUND')).toHaveLength(1);
      expect(results).toContain('policy.set:BATON_FORBIDDEN');
      expect(results.filter((r) => r === 'policy.set:BATON_INVALID_ARGUMENT').length).toBeGreaterThanOrEqual(1);
      expect((await store.listAudit({ action: 'policy.set', namespace: 'other', limit: 5 })).map((e) => e.result)).toEqual(['BATON_FORBIDDEN']);
    });
  });
}
