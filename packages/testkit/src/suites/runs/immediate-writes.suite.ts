/**
 * Immediate writes (a paid model answer's step result): the group commit never makes them wait
 * behind writes queued after the commit in flight, commits them beside that commit when the store
 * commits asynchronously, and still keeps each run's writes in order. The store is real; a recorder
 * around its `commit` notes what each batch held and when it started and ended.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, type JournalEntry, type Store } from '@baton/core';
import { WriteBatcher, type WriteOp } from '@baton/core/store-kit';
import { waitFor, withStore, type StoreFactory } from '../../harness.js';

const LEASE_MS = 10 * 60_000;
const REF = [{ name: 'batched', version: '1', current: true }];

interface Batch {
  runs: string[];
  startedAt: number;
  endedAt?: number;
}

/** The store with its commits recorded, on one event counter (start and end of each commit). */
function recording(store: Store): { store: Store; batches: Batch[]; now(): number } {
  const batches: Batch[] = [];
  let events = 0;
  const recorded = new Proxy(store, {
    get(target, property) {
      if (property === 'commit') {
        return async (ops: WriteOp[], now: number) => {
          // One label per journal entry: the group commit may fold a run's journal writes into one op.
          const runs = ops.flatMap((op) => (op.journal ?? [{ seq: '-' }]).map((e) => `${op.runId}#${e.seq}`));
          const batch: Batch = { runs, startedAt: ++events };
          batches.push(batch);
          try {
            return await target.commit(ops, now);
          } finally {
            batch.endedAt = ++events;
          }
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: recorded, batches, now: () => events };
}

async function claimed(store: Store, ids: string[], now: number): Promise<Map<string, string>> {
  for (const id of ids) await store.createRun({ id, workflow: 'batched', version: '1', input: '{"$baton":"undefined"}', queue: 'default', priority: 0 }, now);
  const claims = await store.claimRuns({ owner: 'batcher', now, leaseMs: LEASE_MS, limit: ids.length, workflows: REF });
  return new Map(claims.map((c) => [c.run.id, c.leaseToken]));
}

function entry(runId: string, seq: number, at: number): JournalEntry {
  return { runId, seq, kind: 'step', name: `step-${seq}`, status: 'completed', output: String(seq), attempts: 1, startedAt: at, endedAt: at };
}

export function immediateWritesSuite(factory: StoreFactory): void {
  describe('immediate writes in the group commit', () => {
    it('never waits behind the writes queued after the commit in flight, and goes beside it', async () => {
      await withStore(factory, async (raw) => {
        const clock = new ManualClock();
        const runs = Array.from({ length: 40 }, (_, i) => `bulk-${i}`);
        const tokens = await claimed(raw, [...runs, 'paid'], clock.now());
        const { store, batches } = recording(raw);
        const batcher = new WriteBatcher(store, clock);
        const op = (runId: string, seq: number): WriteOp => ({ runId, leaseToken: tokens.get(runId)!, journal: [entry(runId, seq, clock.now())] });

        const first = runs.map((id) => batcher.submit(op(id, 1)));
        await waitFor(() => batches.length >= 1, { message: 'the first group commit to start' });
        const inFlight = batches[0]!.endedAt === undefined;
        const queued = runs.map((id) => batcher.submit(op(id, 2)));
        const paid = batcher.submit(op('paid', 1), { immediate: true });
        const results = await Promise.all([...first, ...queued, paid]);
        expect(results.every((r) => r.ok)).toBe(true);

        const paidBatch = batches.findIndex((b) => b.runs.includes('paid#1'));
        const queuedBatch = batches.findIndex((b) => b.runs.includes('bulk-0#2'));
        expect(paidBatch, 'the immediate write is committed no later than the writes queued before it').toBeLessThanOrEqual(queuedBatch);
        // A store that commits asynchronously had the first commit in flight: the immediate write went beside it.
        if (inFlight) expect(batches[paidBatch]!.startedAt, 'started before the commit in flight ended').toBeLessThan(batches[0]!.endedAt!);
        expect((await raw.getJournal('paid')).map((e) => e.seq)).toEqual([1]);
        for (const id of runs) expect((await raw.getJournal(id)).map((e) => e.seq)).toEqual([1, 2]);
      });
    });

    it("keeps a run's writes in order: an immediate write waits for its run's writes in flight", async () => {
      await withStore(factory, async (raw) => {
        const clock = new ManualClock();
        const runs = Array.from({ length: 20 }, (_, i) => `ordered-${i}`);
        const tokens = await claimed(raw, runs, clock.now());
        const { store, batches } = recording(raw);
        const batcher = new WriteBatcher(store, clock);
        const op = (runId: string, seq: number): WriteOp => ({ runId, leaseToken: tokens.get(runId)!, journal: [entry(runId, seq, clock.now())] });

        const first = runs.map((id) => batcher.submit(op(id, 1)));
        await waitFor(() => batches.length >= 1, { message: 'the first group commit to start' });
        const second = batcher.submit(op('ordered-0', 2), { immediate: true });
        const third = batcher.submit(op('ordered-0', 3));
        const fourth = batcher.submit(op('ordered-0', 4), { immediate: true });
        expect((await Promise.all([...first, second, third, fourth])).every((r) => r.ok)).toBe(true);

        const at = (label: string): Batch => batches.find((b) => b.runs.includes(label))!;
        expect(at('ordered-0#2').startedAt, 'after the run’s first write was committed').toBeGreaterThan(at('ordered-0#1').endedAt!);
        expect(at('ordered-0#3').startedAt).toBeGreaterThanOrEqual(at('ordered-0#2').startedAt);
        expect(at('ordered-0#4').startedAt).toBeGreaterThanOrEqual(at('ordered-0#3').startedAt);
        expect((await raw.getJournal('ordered-0')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      });
    });

    it('commits an immediate write on its own when nothing else is queued, and waits for it in drain()', async () => {
      await withStore(factory, async (raw) => {
        const clock = new ManualClock();
        const tokens = await claimed(raw, ['alone'], clock.now());
        const { store, batches } = recording(raw);
        const batcher = new WriteBatcher(store, clock);
        const written = batcher.submit({ runId: 'alone', leaseToken: tokens.get('alone')!, journal: [entry('alone', 1, clock.now())] }, { immediate: true });
        await batcher.drain();
        expect(batches.map((b) => b.runs)).toEqual([['alone#1']]);
        expect(batches[0]!.endedAt).toBeDefined();
        expect(await written).toEqual(expect.objectContaining({ ok: true }));
      });
    });
  });
}
