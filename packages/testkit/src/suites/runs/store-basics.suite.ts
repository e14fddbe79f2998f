/** The Store contract exercised directly: creation, claims, fencing, leases, signals, cancel, requeue, listing. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, type NewRun, type Store } from '@baton/core';
import type { StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function newRun(id: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, workflow: 'wf', version: '1', input: '{"n":1}', queue: 'default', priority: 0, ...extra };
}

const REFS = [{ name: 'wf', version: '1', current: true }];

async function fresh(factory: StoreFactory): Promise<Store> {
  const store = await factory.create();
  await store.init();
  await store.init(); // idempotent
  return store;
}

export function storeBasicsSuite(factory: StoreFactory): void {
  describe('store basics', () => {
    it('creates a run once per id and reads it back', async () => {
      const store = await fresh(factory);
      const first = await store.createRun(newRun('r1'), T0);
      expect(first.created).toBe(true);
      expect(first.run).toMatchObject({ id: 'r1', workflow: 'wf', version: '1', status: 'queued', input: '{"n":1}', claims: 0, createdAt: T0 });
      const again = await store.createRun(newRun('r1', { input: '{"n":2}' }), T0 + 5);
      expect(again.created).toBe(false);
      expect(again.run.input).toBe('{"n":1}');
      expect(await store.getRun('missing')).toBeUndefined();
      await store.close();
    });

    it('claims by priority then age, only known workflow versions, each run once', async () => {
      const store = await fresh(factory);
      await store.createRun(newRun('low-old', { priority: 0 }), T0);
      await store.createRun(newRun('high', { priority: 5 }), T0 + 1);
      await store.createRun(newRun('low-new', { priority: 0 }), T0 + 2);
      await store.createRun(newRun('other-version', { version: '9' }), T0);
      await store.createRun(newRun('unversioned', { version: '' }), T0 + 3);
      const claimed = await store.claimRuns({ owner: 'a', now: T0 + 10, leaseMs: 1000, limit: 10, workflows: REFS });
      expect(claimed.map((c) => c.run.id)).toEqual(['high', 'low-old', 'low-new', 'unversioned']);
      expect(claimed.find((c) => c.run.id === 'unversioned')?.run.version).toBe('1');
      expect(claimed.every((c) => c.run.status === 'running' && c.run.claims === 1)).toBe(true);
      const again = await store.claimRuns({ owner: 'b', now: T0 + 11, leaseMs: 1000, limit: 10, workflows: REFS });
      expect(again).toEqual([]);
      await store.close();
    });

    it('fences writes by lease token and refuses a journal position written twice', async () => {
      const store = await fresh(factory);
      await store.createRun(newRun('r'), T0);
      const [claim] = await store.claimRuns({ owner: 'a', now: T0, leaseMs: 1000, limit: 1, workflows: REFS });
      const token = claim!.leaseToken;
      const entry = {
        runId: 'r',
        seq: 1,
        kind: 'step' as const,
        name: 's',
        status: 'completed' as const,
        output: '1',
        attempts: 1,
        startedAt: T0,
        endedAt: T0,
      };
      const [ok, stale, dup] = await store.commit(
        [
          { runId: 'r', leaseToken: token, journal: [entry] },
          { runId: 'r', leaseToken: 'not-the-token', journal: [{ ...entry, seq: 2 }] },
          { runId: 'r', leaseToken: token, journal: [{ ...entry, output: '2' }] },
        ],
        T0,
      );
      expect(ok).toEqual({ ok: true });
      expect(stale).toEqual({ ok: false, reason: 'leaseLost' });
      expect(dup?.ok).toBe(false);
      const journal = await store.getJournal('r');
      expect(journal).toHaveLength(1);
      expect(journal[0]).toMatchObject({ seq: 1, output: '1' });
      await store.close();
    });

    it('lets an expired lease be taken over, after which the old holder cannot write or renew', async () => {
      const store = await fresh(factory);
      await store.createRun(newRun('r'), T0);
      const [first] = await store.claimRuns({ owner: 'a', now: T0, leaseMs: 1000, limit: 1, workflows: REFS });
      expect(await store.claimRuns({ owner: 'b', now: T0 + 999, leaseMs: 1000, limit: 1, workflows: REFS })).toEqual([]);
      const renewed = await store.renewLeases('a', [{ runId: 'r', token: first!.leaseToken }], T0 + 500, 1000);
      expect(renewed).toEqual([{ runId: 'r', held: true, cancelRequested: false }]);
      expect(await store.claimRuns({ owner: 'b', now: T0 + 1400, leaseMs: 1000, limit: 1, workflows: REFS })).toEqual([]);
      const [second] = await store.claimRuns({ owner: 'b', now: T0 + 1600, leaseMs: 1000, limit: 1, workflows: REFS });
      expect(second?.run.claims).toBe(2);
      const [stale] = await store.commit([{ runId: 'r', leaseToken: first!.leaseToken, transition: { kind: 'complete', output: '1' } }], T0 + 1700);
      expect(stale).toEqual({ ok: false, reason: 'leaseLost' });
      expect((await store.renewLeases('a', [{ runId: 'r', token: first!.leaseToken }], T0 + 1700, 1000))[0]?.held).toBe(false);
      expect((await store.getRun('r'))?.status).toBe('running');
      await store.close();
    });

    it('suspends a run and wakes it by time, by a matching signal, and at once when the signal came first', async () => {
      const store = await fresh(factory);
      await store.createRun(newRun('t'), T0);
      await store.createRun(newRun('s'), T0);
      await store.createRun(newRun('early'), T0);
      const claims = await store.claimRuns({ owner: 'a', now: T0, leaseMs: 100_000, limit: 3, workflows: REFS });
      const token = (id: string): string => claims.find((c) => c.run.id === id)!.leaseToken;
      const earlySignal = await store.sendSignal('early', 'go', '"x"', T0);
      const results = await store.commit(
        [
          {
            runId: 't',
            leaseToken: token('t'),
            transition: { kind: 'suspend', wakeAt: T0 + 5000, waits: { signals: [], children: [], timers: { '1': T0 + 5000 } } },
          },
          { runId: 's', leaseToken: token('s'), transition: { kind: 'suspend', waits: { signals: ['go'], children: [], timers: {} } } },
          { runId: 'early', leaseToken: token('early'), transition: { kind: 'suspend', waits: { signals: ['go'], children: [], timers: {} } } },
        ],
        T0 + 1,
      );
      expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true, woken: true }]);
      expect((await store.getRun('t'))?.status).toBe('waiting');
      expect(await store.nextWakeAt(REFS, T0)).toBeLessThanOrEqual(T0 + 5000);
      let ready = await store.claimRuns({ owner: 'a', now: T0 + 2, leaseMs: 100_000, limit: 10, workflows: REFS });
      expect(ready.map((c) => c.run.id)).toEqual(['early']);
      expect(ready[0]!.signals.map((s) => s.name)).toEqual(['go']);
      expect(ready[0]!.signalHorizon).toBe(earlySignal.id);
      await store.sendSignal('s', 'other', '1', T0 + 3);
      expect(await store.claimRuns({ owner: 'a', now: T0 + 3, leaseMs: 100_000, limit: 10, workflows: REFS })).toEqual([]);
      await store.sendSignal('s', 'go', '2', T0 + 4);
      ready = await store.claimRuns({ owner: 'a', now: T0 + 4, leaseMs: 100_000, limit: 10, workflows: REFS });
      expect(ready.map((c) => c.run.id)).toEqual(['s']);
      expect(ready[0]!.signals.map((s) => [s.name, s.payload])).toEqual([
        ['other', '1'],
        ['go', '2'],
      ]);
      ready = await store.claimRuns({ owner: 'a', now: T0 + 5000, leaseMs: 1000, limit: 10, workflows: REFS });
      expect(ready.map((c) => c.run.id)).toEqual(['t']);
      expect(ready[0]!.run.waits?.timers).toEqual({ '1': T0 + 5000 });
      await store.close();
    });

    it('rejects signals and cancels for missing or ended runs with stable codes', async () => {
      const store = await fresh(factory);
      await expect(store.sendSignal('nope', 'x', '1', T0)).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
      await expect(store.requestCancel('nope', T0)).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
      await store.createRun(newRun('r'), T0);
      const [claim] = await store.claimRuns({ owner: 'a', now: T0, leaseMs: 1000, limit: 1, workflows: REFS });
      await store.commit([{ runId: 'r', leaseToken: claim!.leaseToken, transition: { kind: 'complete', output: '1' } }], T0);
      await expect(store.sendSignal('r', 'x', '1', T0)).rejects.toMatchObject({ code: ErrorCode.RunFinished });
      await expect(store.requestCancel('r', T0)).rejects.toMatchObject({ code: ErrorCode.RunFinished });
      await expect(store.requeue('r', 'retry', T0)).rejects.toMatchObject({ code: ErrorCode.RunNotFailed });
      await store.close();
    });

    it('cancels a never-started queued run at once', async () => {
      const store = await fresh(factory);
      await store.createRun(newRun('q'), T0);
      const run = await store.requestCancel('q', T0 + 1);
      expect(run.status).toBe('cancelled');
      expect(await store.claimRuns({ owner: 'a', now: T0 + 2, leaseMs: 1000, limit: 1, workflows: REFS })).toEqual([]);
      await store.close();
    });

    it('lists runs newest first with filters and cursor pagination', async () => {
      const store = await fresh(factory);
      for (let i = 0; i < 7; i++) await store.createRun(newRun(`run-${i}`, { workflow: i % 2 === 0 ? 'even' : 'odd' }), T0 + i);
      const page1 = await store.listRuns({ limit: 3 });
      expect(page1.runs.map((r) => r.id)).toEqual(['run-6', 'run-5', 'run-4']);
      const page2 = await store.listRuns({ limit: 3, cursor: page1.nextCursor! });
      expect(page2.runs.map((r) => r.id)).toEqual(['run-3', 'run-2', 'run-1']);
      const page3 = await store.listRuns({ limit: 3, cursor: page2.nextCursor! });
      expect(page3.runs.map((r) => r.id)).toEqual(['run-0']);
      expect(page3.nextCursor).toBeUndefined();
      expect((await store.listRuns({ workflow: 'even' })).runs.map((r) => r.id)).toEqual(['run-6', 'run-4', 'run-2', 'run-0']);
      expect((await store.listRuns({ createdAfter: T0 + 2, createdBefore: T0 + 4 })).runs.map((r) => r.id)).toEqual(['run-3', 'run-2']);
      expect((await store.listRuns({ status: 'completed' })).runs).toEqual([]);
      await expect(store.listRuns({ cursor: 'garbage' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      await store.close();
    });
  });
}
