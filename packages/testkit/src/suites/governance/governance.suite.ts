/**
 * GovernanceStore: cost reports per namespace, workflow and tag by day and month (a tagged run's
 * spend under each of its tags, a namespace's report holding only its own), and agent policies
 * (stored, replaced, removed, each change audited in its transaction).
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry, NewRun, Store } from '@baton/core';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2030, 0, 30);
const REFS = ['a', 'b'].map((name) => ({ name, version: '1', current: true }));

function llmOutput(costUsd: number, priced = true): string {
  const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
  return JSON.stringify({ kind: 'baton.llm', text: 'ok', model: 'test:m', usage, costUsd, priced, cached: false, failures: [], finishReason: 'stop' });
}

function entry(runId: string, seq: number, output: string, at: number): JournalEntry {
  return { runId, seq, kind: 'step', name: `llm-${seq}`, status: 'completed', output, attempts: 1, startedAt: at, endedAt: at };
}

/** Creates a run at `at` and journals its model calls (costs, in order). */
async function runWithCalls(store: Store, run: Partial<NewRun> & { id: string; workflow: string }, at: number, costs: (number | 'unpriced')[]): Promise<void> {
  await store.createRun({ version: '1', input: '{}', queue: 'default', priority: 0, ...run }, at);
  const [claimed] = await store.claimRuns({ owner: 'w', now: at, leaseMs: DAY, limit: 1, workflows: REFS, queues: ['default'] });
  expect(claimed?.run.id).toBe(run.id);
  const journal = costs.map((cost, i) => entry(run.id, i + 1, cost === 'unpriced' ? llmOutput(0, false) : llmOutput(cost), at + 10));
  const [result] = await store.commit([{ runId: run.id, leaseToken: claimed!.leaseToken, journal, transition: { kind: 'complete', output: 'null' } }], at + 20);
  expect(result).toEqual({ ok: true });
}

async function fixture(store: Store): Promise<void> {
  await runWithCalls(store, { id: 'r1', workflow: 'a', tags: ['team:x', 'cc:1'] }, D0 + 1000, [0.5, 0.25]);
  await runWithCalls(store, { id: 'r2', workflow: 'b', tags: ['team:x'] }, D0 + 3 * 3_600_000, ['unpriced']);
  await runWithCalls(store, { id: 'r3', workflow: 'a' }, D0 + DAY + 5, [1]);
  await runWithCalls(store, { id: 'r4', workflow: 'a', namespace: 'other', tags: ['team:y'] }, D0 + 2 * DAY + 5, [2]);
  // Outside the period: counted nowhere.
  await runWithCalls(store, { id: 'r5', workflow: 'a', tags: ['team:x'] }, D0 + 3 * DAY, [4]);
}

const money = (n: number) => Math.round(n * 1e6) / 1e6;

export function governanceSuite(factory: StoreFactory): void {
  describe('cost reports and agent policies', () => {
    it('reports runs and model spend per workflow by day, per namespace by month, and per tag (each tag of a run in full)', async () => {
      await withStore(factory, async (store) => {
        await fixture(store);
        const period = { from: D0, to: D0 + 3 * DAY };
        const byWorkflow = await store.costs({ ...period, groupBy: 'workflow', interval: 'day' });
        expect(byWorkflow.rows.map((r) => [r.period, r.namespace, r.key, r.runs, r.llmCalls, r.unpricedCalls, money(r.costUsd), r.inputTokens])).toEqual([
          ['2030-01-30', 'default', 'a', 1, 2, 0, 0.75, 20],
          ['2030-01-30', 'default', 'b', 1, 1, 1, 0, 10],
          ['2030-01-31', 'default', 'a', 1, 1, 0, 1, 10],
          ['2030-02-01', 'other', 'a', 1, 1, 0, 2, 10],
        ]);
        const byNamespace = await store.costs({ ...period, groupBy: 'namespace', interval: 'month' });
        expect(byNamespace.rows.map((r) => [r.period, r.key, r.runs, r.llmCalls, money(r.costUsd), r.outputTokens])).toEqual([
          ['2030-01', 'default', 3, 4, 1.75, 20],
          ['2030-02', 'other', 1, 1, 2, 5],
        ]);
        const byTag = await store.costs({ ...period, groupBy: 'tag', interval: 'month' });
        expect(byTag.rows.map((r) => [r.period, r.namespace, r.key, r.runs, r.llmCalls, r.unpricedCalls, money(r.costUsd)])).toEqual([
          ['2030-01', 'default', 'cc:1', 1, 2, 0, 0.75],
          ['2030-01', 'default', 'team:x', 2, 3, 1, 0.75],
          ['2030-02', 'other', 'team:y', 1, 1, 0, 2],
        ]);
        const mine = await store.costs({ ...period, groupBy: 'tag', interval: 'day', namespace: 'other' });
        expect(mine.rows.map((r) => [r.period, r.key, money(r.costUsd)])).toEqual([['2030-02-01', 'team:y', 2]]);
        const none = await store.costs({ from: D0 - 10 * DAY, to: D0, groupBy: 'workflow', interval: 'day' });
        expect(none.rows).toEqual([]);
      });
    });

    it('refuses a period that is not whole UTC days or is too long', async () => {
      await withStore(factory, async (store) => {
        for (const filter of [
          { from: D0 + 1, to: D0 + DAY },
          { from: D0, to: D0 },
          { from: D0, to: D0 + 2000 * DAY },
        ]) {
          expect((await rejection(store.costs({ ...filter, groupBy: 'workflow', interval: 'day' }))).code).toBe('BATON_INVALID_ARGUMENT');
        }
      });
    });

    it('stores, replaces and removes a namespace policy, auditing each change in its transaction', async () => {
      await withStore(factory, async (store) => {
        expect(await store.getAgentPolicy('team')).toBeUndefined();
        const audit = (action: string) => ({ actor: 'k1', namespace: 'default', action, target: 'team', result: 'ok', at: D0 });
        await store.putAgentPolicy({ namespace: 'team', policy: { models: { allow: ['openai:*'] } }, updatedAt: D0, updatedBy: 'k1' }, audit('policy.set'));
        await store.putAgentPolicy(
          { namespace: 'team', policy: { models: { deny: ['openai:gpt-5'] }, mcpServers: { allow: ['docs'] } }, updatedAt: D0 + 1, updatedBy: 'k2' },
          audit('policy.set'),
        );
        await store.putAgentPolicy({ namespace: 'b-team', policy: { tools: { deny: ['shell'] } }, updatedAt: D0 + 2, updatedBy: 'k1' });
        expect(await store.getAgentPolicy('team')).toEqual({
          namespace: 'team',
          policy: { models: { deny: ['openai:gpt-5'] }, mcpServers: { allow: ['docs'] } },
          updatedAt: D0 + 1,
          updatedBy: 'k2',
        });
        expect((await store.listAgentPolicies()).map((p) => p.namespace)).toEqual(['b-team', 'team']);
        expect(await store.deleteAgentPolicy('team', audit('policy.delete'))).toBe(true);
        expect(await store.deleteAgentPolicy('team', audit('policy.delete'))).toBe(false);
        expect(await store.getAgentPolicy('team')).toBeUndefined();
        const actions = (await store.listAudit({ target: 'team', limit: 10 })).map((e) => e.action);
        expect(actions).toEqual(['policy.delete', 'policy.set', 'policy.set']);
      });
    });
  });
}
