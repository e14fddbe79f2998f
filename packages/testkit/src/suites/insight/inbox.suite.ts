/**
 * The approval inbox: runs waiting for a person's signal, oldest wait first, page by page, with
 * their claims; claims and releases written with their audit entries, refused for runs that wait
 * for no person.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry, InboxItem, NewRun, RunWaits, Store } from '@baton/core';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const REFS = [{ name: 'wf', version: '1', current: true }];

function newRun(id: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, workflow: 'wf', version: '1', input: '{}', queue: 'default', priority: 0, ...extra };
}

function audit(action: string, target: string): AuditEntry {
  return { actor: 'key-1', namespace: 'default', action, target, result: 'ok', at: T0 };
}

/** Creates a run and suspends it at `at` with `waits` (and, if given, a wake time). */
async function waiting(store: Store, run: NewRun, at: number, waits: Partial<RunWaits>, wakeAt?: number): Promise<void> {
  await store.createRun(run, at);
  const [claimed] = await store.claimRuns({ owner: 'w', now: at, leaseMs: 60_000, limit: 1, workflows: REFS });
  expect(claimed?.run.id).toBe(run.id);
  const full: RunWaits = { signals: [], children: [], timers: {}, ...waits };
  const transition = wakeAt === undefined ? { kind: 'suspend' as const, waits: full } : { kind: 'suspend' as const, waits: full, wakeAt };
  expect(await store.commit([{ runId: run.id, leaseToken: claimed!.leaseToken, transition }], at + 5)).toEqual([{ ok: true }]);
}

const ids = (items: InboxItem[]) => items.map((item) => item.run.id);

export function inboxSuite(factory: StoreFactory): void {
  describe('approval inbox', () => {
    it('lists runs waiting for a person, oldest wait first, page by page, in one namespace or all', async () => {
      await withStore(factory, async (store) => {
        await waiting(store, newRun('late'), T0 + 300, { signals: ['approval'] });
        await waiting(store, newRun('early'), T0 + 100, { signals: ['approval', '$event:x#2'], timers: { '2': T0 + 9000 } }, T0 + 9000);
        await waiting(store, newRun('event-only'), T0 + 200, { signals: ['$event:order.paid#1'] });
        await waiting(store, newRun('child-only'), T0 + 250, { children: ['someone'] });
        await waiting(store, newRun('elsewhere', { namespace: 'other' }), T0 + 400, { signals: ['review'] });
        await store.createRun(newRun('queued'), T0 + 500);

        const page = await store.listInbox({ namespace: 'default', limit: 10 });
        expect(ids(page.items)).toEqual(['early', 'late']);
        expect(page.nextCursor).toBeUndefined();
        const early = page.items[0]!;
        expect(early.run).toMatchObject({ status: 'waiting', updatedAt: T0 + 105, wakeAt: T0 + 9000 });
        expect(early.run.waits?.signals).toEqual(['approval', '$event:x#2']);
        expect(early.claim).toBeUndefined();

        const first = await store.listInbox({ limit: 2 });
        expect(ids(first.items)).toEqual(['early', 'late']);
        const second = await store.listInbox({ limit: 2, cursor: first.nextCursor! });
        expect(ids(second.items)).toEqual(['elsewhere']);
        expect(second.nextCursor).toBeUndefined();
        expect((await rejection(store.listInbox({ limit: 2, cursor: 'not-a-cursor' }))).code).toBe('BATON_INVALID_ARGUMENT');
      });
    });

    it('claims, reassigns and releases runs with their audit entries, and refuses runs waiting for no person', async () => {
      await withStore(factory, async (store) => {
        await waiting(store, newRun('r1'), T0 + 100, { signals: ['approval'] });
        await waiting(store, newRun('event-only'), T0 + 200, { signals: ['$event:order.paid#1'] });
        await store.createRun(newRun('queued', { queue: 'elsewhere' }), T0 + 300);

        const claim = { runId: 'r1', assignee: 'ada', claimedBy: 'key-1', claimedAt: T0 + 1000 };
        expect(await store.claimInboxRun(claim, audit('inbox.claim', 'r1'))).toEqual(claim);
        expect((await store.listInbox({ limit: 10 })).items[0]!.claim).toEqual(claim);
        const again = { ...claim, assignee: 'grace', claimedAt: T0 + 2000 };
        await store.claimInboxRun(again, audit('inbox.claim', 'r1'));
        expect((await store.listInbox({ limit: 10 })).items[0]!.claim).toEqual(again);

        for (const [runId, code] of [
          ['event-only', 'BATON_RUN_NOT_WAITING'],
          ['queued', 'BATON_RUN_NOT_WAITING'],
          ['nope', 'BATON_RUN_NOT_FOUND'],
        ] as const)
          expect((await rejection(store.claimInboxRun({ ...claim, runId }, audit('inbox.claim', runId)))).code).toBe(code);

        expect(await store.releaseInboxRun('r1', audit('inbox.release', 'r1'))).toBe(true);
        expect(await store.releaseInboxRun('r1', audit('inbox.release', 'r1'))).toBe(false);
        expect((await store.listInbox({ limit: 10 })).items[0]!.claim).toBeUndefined();

        // Only the changes made were written with an entry.
        const entries = await store.listAudit({ limit: 10 });
        expect(entries.map((e) => [e.action, e.target])).toEqual([
          ['inbox.release', 'r1'],
          ['inbox.claim', 'r1'],
          ['inbox.claim', 'r1'],
        ]);
      });
    });
  });
}
