/**
 * Store.overview's model calls whose model has no known price (`priced: false`, not a cache hit):
 * counted apart, so that their cost reads "unknown" rather than $0, the same from the hourly counts
 * (and, on a store that keeps changes aside, before and after they are folded in) as from the runs.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry, Overview, Store } from '@baton/core';
import { withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const REFS = ['a', 'b'].map((name) => ({ name, version: '1', current: true }));

/** A journaled model call; `priced` absent is how calls were journaled before prices were marked. */
function llmOutput(costUsd: number, flags: { priced?: boolean; cached?: boolean }): string {
  return JSON.stringify({ kind: 'baton.llm', text: 'ok', model: 'test:model', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 }, costUsd, ...flags });
}

/** Creates a run of `workflow` at `createdAt`, claims it and completes it with model calls of these outputs. */
async function runWithCalls(store: Store, id: string, workflow: string, createdAt: number, outputs: string[], namespace = 'default'): Promise<void> {
  await store.createRun({ id, workflow, version: '1', input: '{}', queue: 'default', priority: 0, namespace }, createdAt);
  const [claimed] = await store.claimRuns({ owner: 'w', now: createdAt, leaseMs: 100 * HOUR, limit: 1, workflows: REFS, queues: ['default'] });
  expect(claimed?.run.id).toBe(id);
  const journal = outputs.map((output, i): JournalEntry => ({
    runId: id,
    seq: i + 1,
    kind: 'step',
    name: `call-${i}`,
    status: 'completed',
    output,
    attempts: 1,
    startedAt: createdAt,
    endedAt: createdAt,
  }));
  const [result] = await store.commit(
    [{ runId: id, leaseToken: claimed!.leaseToken, journal, transition: { kind: 'complete', output: 'null' } }],
    createdAt + 10,
  );
  expect(result).toEqual({ ok: true });
}

async function fixture(store: Store): Promise<void> {
  // Hour 0: a priced call, an unpriced one, an unpriced cache hit (it cost nothing) and a call journaled before prices were marked.
  await runWithCalls(store, 'a1', 'a', T0 + 1000, [
    llmOutput(0.5, { priced: true, cached: false }),
    llmOutput(0, { priced: false, cached: false }),
    llmOutput(0, { priced: false, cached: true }),
    llmOutput(0.25, {}),
  ]);
  // Hour 1: two unpriced calls in one run, one in another workflow; another namespace's unpriced call.
  await runWithCalls(store, 'a2', 'a', T0 + HOUR + 5, [llmOutput(0, { priced: false }), llmOutput(0, { priced: false })]);
  await runWithCalls(store, 'b1', 'b', T0 + HOUR + 600_000, [llmOutput(0, { priced: false }), llmOutput(1, { priced: true })]);
  await runWithCalls(store, 'x1', 'a', T0 + HOUR + 700_000, [llmOutput(0, { priced: false })], 'other');
  // The hour under way (2 h to 2 h 30): one priced call and one unpriced.
  await runWithCalls(store, 'a3', 'a', T0 + 2 * HOUR + 60_000, [llmOutput(0.125, { priced: true }), llmOutput(0, { priced: false })]);
}

/** The overviews of the same window from the hourly counts (with the hour under way from the runs) and from the runs alone. */
async function bothPaths(store: Store, namespace: string | undefined): Promise<[Overview['llm'], Overview['llm']]> {
  const window = { since: T0, until: T0 + 2 * HOUR + HOUR / 2, now: T0 + 3 * HOUR, ...(namespace === undefined ? {} : { namespace }) };
  const hourly = await store.overview({ ...window, bucketMs: HOUR });
  const exact = await store.overview({ ...window, bucketMs: HOUR / 2 });
  return [hourly.llm, exact.llm];
}

export function overviewUnpricedSuite(factory: StoreFactory): void {
  describe('overview: model calls without a known price', () => {
    it('counts unpriced calls apart, the same from the hourly counts as from the runs', async () => {
      await withStore(factory, async (store) => {
        await fixture(store);
        const check = async () => {
          for (const [namespace, calls, unpricedCalls, costUsd] of [
            ['default', 10, 5, 1.875],
            [undefined, 11, 6, 1.875],
          ] as const) {
            for (const llm of await bothPaths(store, namespace)) {
              expect(llm).toMatchObject({ calls, unpricedCalls, inputTokens: 3 * calls, outputTokens: 2 * calls });
              expect(llm.costUsd).toBeCloseTo(costUsd, 10);
            }
          }
          // Hour 0 alone, from the hourly counts: the cache hit and the call of before are not unpriced.
          const first = await store.overview({ since: T0, until: T0 + HOUR, bucketMs: HOUR, namespace: 'default', now: T0 + 3 * HOUR });
          expect(first.llm).toMatchObject({ calls: 4, unpricedCalls: 1 });
          // No model call at all.
          const none = await store.overview({ since: T0 + 5 * HOUR, until: T0 + 6 * HOUR, bucketMs: HOUR, now: T0 + 6 * HOUR });
          expect(none.llm).toEqual({ calls: 0, costUsd: 0, unpricedCalls: 0, inputTokens: 0, outputTokens: 0 });
        };
        await check();
        if (factory.foldStats !== undefined) {
          await factory.foldStats(store);
          await check();
          // Calls journaled after a fold are counted on top of the folded ones.
          await runWithCalls(store, 'a4', 'a', T0 + HOUR + 900_000, [llmOutput(0, { priced: false })]);
          const [hourly, exact] = await bothPaths(store, 'default');
          expect(hourly).toMatchObject({ calls: 11, unpricedCalls: 6 });
          expect(exact).toMatchObject({ calls: 11, unpricedCalls: 6 });
          await factory.foldStats(store);
          expect((await bothPaths(store, 'default'))[0]).toMatchObject({ calls: 11, unpricedCalls: 6 });
        }
      });
    });
  });
}
