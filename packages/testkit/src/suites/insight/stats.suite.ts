/** Store.stats: the counts behind the metrics gauges, read at a given time; queued runs per queue and per namespace and queue. */
import { describe, expect, it } from 'vitest';
import type { NewRun, RunWaits, Store } from '@baton/core';
import type { StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const REFS = [{ name: 'wf', version: '1', current: true }];

function newRun(id: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, workflow: 'wf', version: '1', input: '{}', queue: 'default', priority: 0, ...extra };
}

async function suspend(store: Store, runId: string, leaseToken: string, waits: RunWaits, wakeAt?: number): Promise<void> {
  const transition = wakeAt === undefined ? { kind: 'suspend' as const, waits } : { kind: 'suspend' as const, waits, wakeAt };
  const [result] = await store.commit([{ runId, leaseToken, transition }], T0 + 31);
  expect(result).toEqual({ ok: true });
}

export function statsSuite(factory: StoreFactory): void {
  describe('store stats', () => {
    it('counts queued runs per queue with the oldest times, running, waiting, signal waits and expired leases', async () => {
      const store = await factory.create();
      await store.init();
      try {
        expect(await store.stats(T0)).toEqual({ queues: [], namespaceQueues: [], running: 0, waiting: 0, waitingForSignal: 0, expiredLeases: 0 });

        await store.defineQueues([{ name: 'reports' }], T0);
        for (const [id, at] of [
          ['a', T0],
          ['b', T0 + 10],
          ['c', T0 + 20],
          ['e', T0 + 25],
        ] as const)
          await store.createRun(newRun(id), at);
        await store.createRun(newRun('m1', { queue: 'mail' }), T0 + 20);
        // Debounced: queued, but not due before T0 + 5 + 60 s.
        await store.createRun(newRun('m0', { queue: 'mail' }), T0 + 5, { debounce: { key: 'mail-digest', delayMs: 60_000 } });

        const claimed = await store.claimRuns({ owner: 'w', now: T0 + 30, leaseMs: 1000, limit: 3, workflows: REFS, queues: ['default'] });
        expect(claimed.map((c) => c.run.id)).toEqual(['a', 'b', 'c']);
        const token = (id: string): string => claimed.find((c) => c.run.id === id)!.leaseToken;
        // a waits for a signal; b for an event (delivered as a '$event:' signal) with a timeout; c keeps running.
        await suspend(store, 'a', token('a'), { signals: ['approve'], children: [], timers: {} });
        await suspend(store, 'b', token('b'), { signals: ['$event:order.paid#2'], children: [], timers: { '2': T0 + 5000 } }, T0 + 5000);

        expect(await store.stats(T0 + 40)).toEqual({
          queues: [
            { queue: 'default', queued: 1, oldestCreatedAt: T0 + 25, oldestReadyAt: T0 + 25 },
            { queue: 'mail', queued: 2, oldestCreatedAt: T0 + 5, oldestReadyAt: T0 + 20 },
            { queue: 'reports', queued: 0 },
          ],
          namespaceQueues: [
            { namespace: 'default', queue: 'default', queued: 1, oldestCreatedAt: T0 + 25, oldestReadyAt: T0 + 25 },
            { namespace: 'default', queue: 'mail', queued: 2, oldestCreatedAt: T0 + 5, oldestReadyAt: T0 + 20 },
          ],
          running: 1,
          waiting: 2,
          waitingForSignal: 1,
          expiredLeases: 0,
        });

        // c's lease (taken at T0 + 30 for 1 s) has expired: it is still running, waiting to be taken over.
        const later = await store.stats(T0 + 120_000);
        expect(later).toMatchObject({ running: 1, waiting: 2, waitingForSignal: 1, expiredLeases: 1 });
        expect(later.queues.find((q) => q.queue === 'mail')).toEqual({ queue: 'mail', queued: 2, oldestCreatedAt: T0 + 5, oldestReadyAt: T0 + 20 });
      } finally {
        await store.close();
      }
    });

    it("keeps each namespace's queued runs apart, and adds them up per queue", async () => {
      const store = await factory.create();
      await store.init();
      try {
        await store.createRun(newRun('a1', { namespace: 'team-a', queue: 'mail' }), T0 + 10);
        await store.createRun(newRun('a2', { namespace: 'team-a', queue: 'mail' }), T0 + 30);
        await store.createRun(newRun('b1', { namespace: 'team-b', queue: 'mail' }), T0 + 20);
        await store.createRun(newRun('b2', { namespace: 'team-b' }), T0 + 40);
        // Debounced: queued, not yet due.
        await store.createRun(newRun('b3', { namespace: 'team-b', queue: 'mail' }), T0 + 5, { debounce: { key: 'digest', delayMs: 60_000 } });
        const stats = await store.stats(T0 + 50);
        expect(stats.namespaceQueues).toEqual([
          { namespace: 'team-a', queue: 'mail', queued: 2, oldestCreatedAt: T0 + 10, oldestReadyAt: T0 + 10 },
          { namespace: 'team-b', queue: 'default', queued: 1, oldestCreatedAt: T0 + 40, oldestReadyAt: T0 + 40 },
          { namespace: 'team-b', queue: 'mail', queued: 2, oldestCreatedAt: T0 + 5, oldestReadyAt: T0 + 20 },
        ]);
        expect(stats.queues).toEqual([
          { queue: 'default', queued: 1, oldestCreatedAt: T0 + 40, oldestReadyAt: T0 + 40 },
          { queue: 'mail', queued: 4, oldestCreatedAt: T0 + 5, oldestReadyAt: T0 + 10 },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
