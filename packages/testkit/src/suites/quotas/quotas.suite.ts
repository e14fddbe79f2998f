/**
 * Namespace quotas: set (replacing every limit), read, list and remove, each change with its audit
 * entry; a start under a quota counts and inserts in one transaction, so concurrent starts never get
 * more slots than the quota has; a refused start changes nothing and says when the quota frees; the
 * day's model spend is read per namespace.
 */
import { describe, expect, it } from 'vitest';
import { Client, ErrorCode, ManualClock, QuotaKind, defineWorkflow, ensureModelSpendQuota, type JournalEntry, type NewRun, type Store } from '@baton/core';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

function newRun(id: string, namespace: string): NewRun {
  return { id, workflow: 'shop.order', version: '1', input: '{}', queue: 'default', priority: 0, namespace };
}

function quota(namespace: string, limits: { runsPerMinute?: number; concurrentRuns?: number; modelSpendPerDayUsd?: number }) {
  return { namespace, ...limits, updatedAt: T0, updatedBy: 'key-admin' };
}

/** A run of `namespace` created at `at` that made one model call costing `costUsd`, completed. */
async function runWithSpend(store: Store, id: string, namespace: string, at: number, costUsd: number): Promise<void> {
  await store.createRun(newRun(id, namespace), at);
  const [claimed] = await store.claimRuns({
    owner: 'w',
    now: at,
    leaseMs: HOUR,
    limit: 1,
    workflows: [{ name: 'shop.order', version: '1', current: true }],
    queues: ['default'],
  });
  expect(claimed?.run.id).toBe(id);
  const output = JSON.stringify({
    kind: 'baton.llm',
    text: 'ok',
    model: 'test:model',
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    costUsd,
    priced: true,
  });
  const entry: JournalEntry = { runId: id, seq: 1, kind: 'step', name: 'call', status: 'completed', output, attempts: 1, startedAt: at, endedAt: at };
  const [result] = await store.commit(
    [{ runId: id, leaseToken: claimed!.leaseToken, journal: [entry], transition: { kind: 'complete', output: 'null' } }],
    at + 1,
  );
  expect(result).toEqual({ ok: true });
}

export function quotasSuite(factory: StoreFactory): void {
  describe('namespace quotas', () => {
    it('sets, replaces, reads, lists and removes a quota, each change audited', async () => {
      await withStore(factory, async (store) => {
        const audit = (action: string, target: string) => ({ actor: 'key-admin', namespace: 'default', action, target, result: 'ok', at: T0 });
        await store.setQuota(quota('team-b', { runsPerMinute: 10, concurrentRuns: 3, modelSpendPerDayUsd: 2.5 }), audit('quota.set', 'team-b'));
        await store.setQuota(quota('team-a', { concurrentRuns: 1 }));
        expect(await store.getQuota('team-b')).toEqual(quota('team-b', { runsPerMinute: 10, concurrentRuns: 3, modelSpendPerDayUsd: 2.5 }));
        // Setting again replaces every limit: the ones left out are no limit.
        await store.setQuota({ ...quota('team-b', { runsPerMinute: 5 }), updatedAt: T0 + 1 });
        expect(await store.getQuota('team-b')).toEqual({ namespace: 'team-b', runsPerMinute: 5, updatedAt: T0 + 1, updatedBy: 'key-admin' });
        expect((await store.listQuotas()).map((q) => q.namespace)).toEqual(['team-a', 'team-b']);
        expect(await store.deleteQuota('team-b', audit('quota.delete', 'team-b'))).toBe(true);
        expect(await store.deleteQuota('team-b', audit('quota.delete', 'team-b'))).toBe(false);
        expect(await store.getQuota('team-b')).toBeUndefined();
        // The second delete changed nothing, so wrote no entry.
        expect((await store.listAudit({ limit: 10 })).map((a) => `${a.action} ${a.target}`).sort()).toEqual(['quota.delete team-b', 'quota.set team-b']);
      });
    });

    it('refuses a start beyond the concurrent runs of its namespace, until one of them ends', async () => {
      await withStore(factory, async (store) => {
        await store.setQuota(quota('team-a', { concurrentRuns: 2 }));
        expect(await store.createRunWithinQuota(newRun('a1', 'team-a'), T0)).toMatchObject({
          created: true,
          run: { id: 'a1', namespace: 'team-a', status: 'queued' },
        });
        expect(await store.createRunWithinQuota(newRun('a2', 'team-a'), T0)).toMatchObject({ created: true });
        expect(await store.createRunWithinQuota(newRun('a3', 'team-a'), T0)).toEqual({ refused: { quota: QuotaKind.ConcurrentRuns, limit: 2 } });
        expect(await store.getRun('a3')).toBeUndefined();
        // A repeat of a start that happened returns its run, at the limit or not.
        expect(await store.createRunWithinQuota(newRun('a1', 'team-a'), T0)).toMatchObject({ created: false, run: { id: 'a1' } });
        // Other namespaces are not counted.
        expect(await store.createRunWithinQuota(newRun('b1', 'team-b'), T0)).toMatchObject({ created: true });
        await store.requestCancel('a1', T0 + 1);
        expect(await store.createRunWithinQuota(newRun('a3', 'team-a'), T0 + 2)).toMatchObject({ created: true });
      });
    });

    it('refuses a start beyond the runs per minute, saying when the window frees a slot', async () => {
      await withStore(factory, async (store) => {
        await store.setQuota(quota('team-a', { runsPerMinute: 2 }));
        expect(await store.createRunWithinQuota(newRun('a1', 'team-a'), T0)).toMatchObject({ created: true });
        expect(await store.createRunWithinQuota(newRun('a2', 'team-a'), T0 + 10_000)).toMatchObject({ created: true });
        expect(await store.createRunWithinQuota(newRun('a3', 'team-a'), T0 + 30_000)).toEqual({
          refused: { quota: QuotaKind.RunsPerMinute, limit: 2, retryAt: T0 + 60_000 },
        });
        expect(await store.createRunWithinQuota(newRun('a3', 'team-a'), T0 + 60_000)).toMatchObject({ created: true });
        expect(await store.createRunWithinQuota(newRun('a4', 'team-a'), T0 + 60_001)).toEqual({
          refused: { quota: QuotaKind.RunsPerMinute, limit: 2, retryAt: T0 + 70_000 },
        });
      });
    });

    it('gives concurrent starts racing for the last slots exactly the slots the quota has', async () => {
      await withStore(factory, async (store) => {
        await store.setQuota(quota('team-a', { concurrentRuns: 3 }));
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.createRunWithinQuota(newRun(`race-${i}`, 'team-a'), T0)));
        expect(results.filter((r) => 'created' in r && r.created)).toHaveLength(3);
        expect(results.filter((r) => 'refused' in r)).toHaveLength(9);
        expect((await store.listRuns({ namespace: 'team-a', limit: 20 })).runs).toHaveLength(3);
      });
    });

    it('starts of a client acting in a namespace keep its quota: refused with the quota, its limit and when it frees, audited', async () => {
      await withStore(factory, async (store) => {
        const clock = new ManualClock(T0);
        const wf = defineWorkflow({ name: 'shop.order', version: '1' }, async () => null);
        const client = new Client({ store, clock, workflows: [wf] });
        const teamA = client.as({ id: 'key-a', namespace: 'team-a' });
        await client.as({ id: 'key-admin' }).quotas.set('team-a', { runsPerMinute: 1 });
        expect((await teamA.start(wf, undefined, { id: 'o1' })).created).toBe(true);
        const refused = await rejection(teamA.start(wf, undefined, { id: 'o2' }));
        expect(refused.code).toBe(ErrorCode.QuotaExceeded);
        expect(refused.details).toEqual({ namespace: 'team-a', quota: 'runsPerMinute', limit: 1, retryAt: T0 + 60_000 });
        expect(refused.message).toContain(new Date(T0 + 60_000).toISOString());
        expect(await store.getRun('o2')).toBeUndefined();
        // Another namespace starts as before; the refusal and the quota change are in the audit log.
        expect((await client.as({ id: 'key-b', namespace: 'team-b' }).start(wf, undefined, { id: 'o3' })).created).toBe(true);
        const entries = (await store.listAudit({ limit: 10 })).map((a) => `${a.action} ${a.target} ${a.result}`);
        expect(entries).toEqual(expect.arrayContaining(['quota.set team-a ok', `run.start o2 ${ErrorCode.QuotaExceeded}`]));
        clock.advance(60_000);
        expect((await teamA.start(wf, undefined, { id: 'o2' })).created).toBe(true);
        // Bad limits change nothing.
        expect((await rejection(client.quotas.set('team-a', { concurrentRuns: -1 }))).code).toBe(ErrorCode.InvalidArgument);
        expect(await store.getQuota('team-a')).toMatchObject({ runsPerMinute: 1 });
      });
    });

    it("reads a namespace's model spend of the day, and refuses a model call once it reaches the quota", async () => {
      await withStore(factory, async (store) => {
        const day = T0 + 24 * HOUR;
        await runWithSpend(store, 'y1', 'team-a', day - HOUR, 5); // yesterday
        await runWithSpend(store, 's1', 'team-a', day + 1000, 0.75);
        await runWithSpend(store, 's2', 'team-a', day + 2 * HOUR, 0.5);
        await runWithSpend(store, 'o1', 'team-b', day + 2 * HOUR, 9);
        await factory.foldStats?.(store);
        expect(await store.modelSpendSince('team-a', day)).toBeCloseTo(1.25, 9);
        expect(await store.modelSpendSince('team-c', day)).toBe(0);
        await store.createRun(newRun('next', 'team-a'), day + 3 * HOUR);
        await ensureModelSpendQuota(store, 'next', day + 3 * HOUR); // no quota: allowed
        await store.setQuota(quota('team-a', { modelSpendPerDayUsd: 2 }));
        await ensureModelSpendQuota(store, 'next', day + 3 * HOUR);
        await store.setQuota(quota('team-a', { modelSpendPerDayUsd: 1.25 }));
        const refused = await rejection(ensureModelSpendQuota(store, 'next', day + 3 * HOUR));
        expect(refused.code).toBe(ErrorCode.QuotaExceeded);
        expect(refused.details).toEqual({ namespace: 'team-a', quota: 'modelSpendPerDayUsd', limit: 1.25, retryAt: day + 24 * HOUR });
      });
    });
  });
}
