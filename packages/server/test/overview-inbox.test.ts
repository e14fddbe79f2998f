/** GET /api/me, GET /api/stats/overview and the approval inbox, in process (`app.request()`), on a real SQLite store with an engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Engine, defineWorkflow, newApiKey, silentLogger, type Role } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';
import { waitFor } from '@baton/testkit';

const Decision = z.object({ approved: z.boolean(), comment: z.string().optional() });
const approval = defineWorkflow({ name: 'expense', signals: { decision: Decision } }, async (ctx, input: { amount: number }) => {
  ctx.setProgress({ stage: 'awaiting decision', amount: input.amount });
  const answer = await ctx.waitForSignal<z.infer<typeof Decision>>('decision', { timeout: '2 days' });
  return answer;
});
const escalating = defineWorkflow({ name: 'escalating-expense', signals: { decision: Decision } }, async (ctx) =>
  ctx.waitForSignal('decision', {
    timeout: '3 days',
    escalation: [
      { after: 0, action: 'reassign', to: 'finance-leads' },
      { after: '1 day', action: 'decide', value: { approved: false, comment: 'no answer in a day' } },
    ],
  }),
);
const quick = defineWorkflow({ name: 'quick' }, async (ctx) => ctx.step('one', () => 1));

let dir: string;
let store: SqliteStore;
let engine: Engine;
let app: ReturnType<typeof createApp>;
const keys: Record<string, { token: string; id: string }> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-inbox-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [approval, escalating, quick], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  for (const [label, role, namespace] of [
    ['viewer', 'viewer', 'default'],
    ['operator', 'operator', 'default'],
    ['admin', 'admin', 'default'],
    ['other', 'operator', 'other'],
    ['people-operator', 'operator', 'people'],
    ['people-admin', 'admin', 'people'],
  ] as const) {
    const key = newApiKey({ name: `${label} key`, role: role as Role, namespace }, Date.now());
    await store.createApiKey(key.record);
    keys[label] = { token: key.token, id: key.record.id };
  }
  app = createApp({ client: engine.client, store, workflows: engine.workflows });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (who: string, method: string, path: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${keys[who]!.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function startWaiting(who: string, id: string, amount: number): Promise<void> {
  expect((await call(who, 'POST', '/api/runs', { workflow: 'expense', input: { amount }, id })).status).toBe(201);
  await waitFor(async () => (await store.getRun(id))?.status === 'waiting');
}

describe('GET /api/me', () => {
  it('describes the calling key, and the local admin on a server without auth', async () => {
    expect(await call('viewer', 'GET', '/api/me')).toEqual({
      status: 200,
      body: { id: keys.viewer!.id, name: 'viewer key', role: 'viewer', namespace: 'default', keyNamespace: 'default', namespaces: ['default'] },
    });
    expect((await call('other', 'GET', '/api/me')).body).toMatchObject({ role: 'operator', namespace: 'other' });
    expect((await app.request('/api/me')).status).toBe(401);
    const open = createApp({ client: new Client({ store }), store, auth: false });
    expect(await (await open.request('/api/me')).json()).toEqual({ id: 'local', role: 'admin', namespace: null });
  });
});

describe('the approval inbox', () => {
  it('publishes the signals a workflow declares as JSON Schema', async () => {
    const { body } = await call('viewer', 'GET', '/api/workflows');
    const expense = body.workflows.find((w: { name: string }) => w.name === 'expense');
    expect(expense.signals.decision).toMatchObject({ type: 'object', properties: { approved: { type: 'boolean' } }, required: ['approved'] });
    expect(body.workflows.find((w: { name: string }) => w.name === 'quick').signals).toBeUndefined();
  });

  it("lists the key's namespace's runs waiting for a person, oldest first, page by page, with schema, progress and deadline", async () => {
    await startWaiting('operator', 'exp-1', 10);
    await startWaiting('operator', 'exp-2', 20);
    await startWaiting('other', 'exp-other', 30);

    const first = await call('viewer', 'GET', '/api/inbox?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(1);
    const entry = first.body.entries[0];
    expect(entry).toMatchObject({
      runId: 'exp-1',
      workflow: 'expense',
      namespace: 'default',
      progress: { stage: 'awaiting decision', amount: 10 },
      signals: [{ name: 'decision', schema: { type: 'object' } }],
    });
    expect(Date.parse(entry.deadline) - Date.parse(entry.since)).toBeGreaterThan(47 * 3_600_000);
    const second = await call('viewer', 'GET', `/api/inbox?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.entries.map((e: { runId: string }) => e.runId)).toEqual(['exp-2']);
    expect(second.body.nextCursor).toBeUndefined();
    expect((await call('other', 'GET', '/api/inbox')).body.entries.map((e: { runId: string }) => e.runId)).toEqual(['exp-other']);
    expect((await call('viewer', 'GET', '/api/inbox?limit=0')).body.error.code).toBe('BATON_INVALID_ARGUMENT');
    expect((await call('viewer', 'GET', '/api/inbox?cursor=nonsense')).status).toBe(400);
  });

  it('claims (for the key by default), reassigns and releases, audited; refuses viewers, other namespaces and runs waiting for no one', async () => {
    expect((await call('viewer', 'POST', '/api/inbox/exp-1/claim', {})).status).toBe(403);
    const mine = await call('operator', 'POST', '/api/inbox/exp-1/claim');
    expect(mine).toMatchObject({ status: 200, body: { claim: { runId: 'exp-1', assignee: 'operator key', claimedBy: keys.operator!.id } } });
    const reassigned = await call('operator', 'POST', '/api/inbox/exp-1/claim', { assignee: 'dana' });
    expect(reassigned.body.claim.assignee).toBe('dana');
    expect((await call('viewer', 'GET', '/api/inbox')).body.entries[0].claim).toMatchObject({ assignee: 'dana', claimedBy: keys.operator!.id });

    expect(await call('operator', 'POST', '/api/inbox/exp-other/claim', {})).toMatchObject({ status: 404, body: { error: { code: 'BATON_RUN_NOT_FOUND' } } });
    expect((await call('operator', 'POST', '/api/inbox/no-such-run/claim', {})).status).toBe(404);
    const done = await engine.client.start(quick, undefined, { id: 'quick-1' });
    await done.result();
    expect(await call('operator', 'POST', '/api/inbox/quick-1/claim', {})).toMatchObject({ status: 409, body: { error: { code: 'BATON_RUN_NOT_WAITING' } } });
    expect((await call('operator', 'POST', '/api/inbox/exp-1/claim', { assignee: 7 })).body.error.code).toBe('BATON_INVALID_ARGUMENT');
    expect((await call('operator', 'POST', '/api/inbox/exp-1/claim', { assignee: '' })).status).toBe(400);

    expect(await call('operator', 'POST', '/api/inbox/exp-1/release')).toEqual({ status: 200, body: { released: true } });
    expect(await call('operator', 'POST', '/api/inbox/exp-1/release')).toEqual({ status: 200, body: { released: false } });
    expect((await call('other', 'POST', '/api/inbox/exp-1/release')).status).toBe(404);

    const audit = await call('admin', 'GET', '/api/audit?target=exp-1');
    const entries = audit.body.entries.filter((e: { action: string }) => e.action.startsWith('inbox.'));
    expect(entries.map((e: { action: string; result: string; actor: string }) => [e.action, e.result, e.actor])).toEqual([
      ['inbox.release', 'none', keys.operator!.id],
      ['inbox.release', 'ok', keys.operator!.id],
      ['inbox.claim', 'BATON_INVALID_ARGUMENT', keys.operator!.id],
      ['inbox.claim', 'BATON_INVALID_ARGUMENT', keys.operator!.id],
      ['inbox.claim', 'ok', keys.operator!.id],
      ['inbox.claim', 'ok', keys.operator!.id],
      ['inbox.claim', 'BATON_FORBIDDEN', keys.viewer!.id],
    ]);
    expect(entries[5].detail).toEqual({ assignee: 'operator key' });
    const refused = await call('admin', 'GET', '/api/audit?target=quick-1&action=inbox.claim');
    expect(refused.body.entries.map((e: { result: string }) => e.result)).toEqual(['BATON_RUN_NOT_WAITING']);
  });

  it('shows how far a task has escalated: reassigned by escalation (and assigned in the inbox), audited, and the stage to come', async () => {
    // In a namespace of its own, so the other tests' counts stay as they are.
    expect((await call('people-operator', 'POST', '/api/runs', { workflow: 'escalating-expense', id: 'esc-1' })).status).toBe(201);
    await waitFor(async () => (await store.getRun('esc-1'))?.waits?.escalations?.[0]?.stages.length === 1);
    const [entry] = (await call('people-operator', 'GET', '/api/inbox')).body.entries;
    expect(entry.runId).toBe('esc-1');
    const began = Date.parse(entry.escalation.began);
    expect(entry.escalation).toMatchObject({ assignee: 'finance-leads', stages: [{ action: 'reassign', to: 'finance-leads' }], next: { action: 'decide' } });
    // The reassign assigned the task in the inbox, and the wait still counts from when it began.
    expect(entry.claim).toMatchObject({ runId: 'esc-1', assignee: 'finance-leads', claimedBy: 'escalation' });
    expect(entry.since).toBe(entry.escalation.began);
    expect(Date.parse(entry.escalation.next.at)).toBe(began + 86_400_000);
    expect(Date.parse(entry.deadline)).toBe(began + 3 * 86_400_000);
    const audit = await call('people-admin', 'GET', '/api/audit?target=esc-1&actor=escalation');
    expect(audit.body.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([['escalation.reassign', 'escalation']]);
    expect((await call('people-operator', 'POST', '/api/runs/esc-1/signal', { name: 'decision', data: { approved: true } })).status).toBe(202);
    await waitFor(async () => (await store.getRun('esc-1'))?.status === 'completed');
  });

  it('is approved by sending the signal: the run goes on and leaves the inbox', async () => {
    expect((await call('operator', 'POST', '/api/runs/exp-2/signal', { name: 'decision', data: { approved: true } })).status).toBe(202);
    await waitFor(async () => (await store.getRun('exp-2'))?.status === 'completed');
    expect((await call('viewer', 'GET', '/api/inbox')).body.entries.map((e: { runId: string }) => e.runId)).toEqual(['exp-1']);
  });
});

describe('GET /api/stats/overview', () => {
  it("sums the key's namespace over the last 24 hours in hourly buckets by default", async () => {
    const { status, body } = await call('viewer', 'GET', '/api/stats/overview');
    expect(status).toBe(200);
    expect(body.buckets).toHaveLength(24);
    expect(body.bucketMinutes).toBe(60);
    expect(Date.parse(body.until) - Date.parse(body.since)).toBe(24 * 3_600_000);
    expect(body.totals).toEqual({ started: 3, completed: 2, failed: 0, cancelled: 0 });
    expect(body.waitingForHumans).toBe(1);
    expect(body.workflows.map((w: { workflow: string; runs: number }) => [w.workflow, w.runs])).toEqual([
      ['expense', 2],
      ['quick', 1],
    ]);
    expect(body.failureRate).toBe(0);
    expect(body.llm).toEqual({ calls: 0, costUsd: 0, unpricedCalls: 0, inputTokens: 0, outputTokens: 0 });
    const other = await call('other', 'GET', '/api/stats/overview?bucket=30');
    expect(other.body.buckets).toHaveLength(48);
    expect(other.body).toMatchObject({ totals: { started: 1 }, waitingForHumans: 1 });
  });

  it('takes a window and bucket width, and refuses more than 500 buckets or a bad value', async () => {
    const until = Date.now() + 1000;
    const since = new Date(until - 3_600_000).toISOString();
    const { body } = await call('viewer', 'GET', `/api/stats/overview?since=${since}&until=${new Date(until).toISOString()}&bucket=5`);
    expect(body.buckets).toHaveLength(12);
    expect(body.totals.started).toBe(3);
    const tooMany = await call('viewer', 'GET', `/api/stats/overview?since=${new Date(Date.now() - 600 * 60_000).toISOString()}&bucket=1`);
    expect(tooMany).toMatchObject({ status: 400, body: { error: { code: 'BATON_INVALID_ARGUMENT' } } });
    for (const query of ['bucket=0', 'bucket=abc', 'since=yesterday'])
      expect({ query, status: (await call('viewer', 'GET', `/api/stats/overview?${query}`)).status }).toEqual({ query, status: 400 });
  });
});
