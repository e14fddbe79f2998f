/**
 * Store.overview: runs started and ended per time bucket, per-workflow counts and duration
 * percentiles, queued runs per queue, runs waiting for people and LLM cost, in one namespace or all.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry, NewRun, Store, WorkflowOverview } from '@baton/core';
import type { RunTransition } from '@baton/core/store-kit';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const REFS = ['a', 'b', 'c', 'h', 'q'].map((name) => ({ name, version: '1', current: true }));

function newRun(id: string, workflow: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, workflow, version: '1', input: '{}', queue: 'default', priority: 0, ...extra };
}

function llmOutput(costUsd: number, inputTokens: number, outputTokens: number): string {
  const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  return JSON.stringify({
    kind: 'baton.llm',
    text: 'ok',
    model: 'test:model',
    usage,
    costUsd,
    priced: true,
    cached: false,
    failures: [],
    finishReason: 'stop',
  });
}

function entry(runId: string, seq: number, output: string, at: number): JournalEntry {
  return { runId, seq, kind: 'step', name: `step-${seq}`, status: 'completed', output, attempts: 1, startedAt: at, endedAt: at };
}

/** Creates a run at `createdAt`, claims it at once, and commits `journal` with `transition` at `at`. */
async function runTo(
  store: Store,
  run: NewRun,
  createdAt: number,
  at: number,
  transition: RunTransition,
  journal: (runId: string) => JournalEntry[] = () => [],
): Promise<void> {
  await store.createRun(run, createdAt);
  const [claimed] = await store.claimRuns({ owner: 'w', now: createdAt, leaseMs: 100 * HOUR, limit: 1, workflows: REFS, queues: ['default'] });
  expect(claimed?.run.id).toBe(run.id);
  const [result] = await store.commit([{ runId: run.id, leaseToken: claimed!.leaseToken, journal: journal(run.id), transition }], at);
  expect(result).toEqual({ ok: true });
}

const complete: RunTransition = { kind: 'complete', output: 'null' };
const fail: RunTransition = { kind: 'fail', error: { name: 'Error', message: 'no' } };

async function fixture(store: Store): Promise<void> {
  await store.defineQueues([{ name: 'reports' }], T0);
  // Before the window, ended in it: counted as ended (and in c's durations), not as started.
  await runTo(store, newRun('c1', 'c'), T0 - 1000, T0 + 500, complete, (id) => [entry(id, 1, llmOutput(9, 900, 900), T0)]);
  // Workflow a: durations 100, 300, 200 (failed) and 1000; two model calls, and a step whose text mentions one.
  await runTo(store, newRun('a1', 'a'), T0 + 1000, T0 + 1100, complete, (id) => [
    entry(id, 1, llmOutput(0.25, 10, 5), T0 + 1050),
    entry(id, 2, JSON.stringify('about baton.llm results'), T0 + 1060),
  ]);
  await runTo(store, newRun('a2', 'a'), T0 + 2000, T0 + 2300, complete, (id) => [entry(id, 1, llmOutput(0.5, 20, 7), T0 + 2100)]);
  await runTo(store, newRun('a3', 'a'), T0 + 3000, T0 + 3200, fail);
  await runTo(store, newRun('a4', 'a'), T0 + HOUR + 5, T0 + HOUR + 1005, complete);
  // Third hour: a cancelled run, a queued one in 'mail', and two waiting ones: for a person, and for an event.
  await store.createRun(newRun('b2', 'b'), T0 + 2 * HOUR + 2);
  await store.requestCancel('b2', T0 + 2 * HOUR + 10);
  await store.createRun(newRun('q1', 'q', { queue: 'mail' }), T0 + 2 * HOUR + 100);
  await runTo(store, newRun('h1', 'h'), T0 + 2 * HOUR + 200, T0 + 2 * HOUR + 210, {
    kind: 'suspend',
    waits: { signals: ['approve'], children: [], timers: { '2': T0 + 5 * HOUR } },
    wakeAt: T0 + 5 * HOUR,
  });
  await runTo(store, newRun('h2', 'h'), T0 + 2 * HOUR + 300, T0 + 2 * HOUR + 310, {
    kind: 'suspend',
    waits: { signals: ['$event:order.paid#1'], children: [], timers: {} },
  });
  // Another namespace: queued in 'mail', and waiting for a person.
  await store.createRun(newRun('b1', 'b', { queue: 'mail', namespace: 'other' }), T0 + 2 * HOUR + 1);
  await runTo(store, newRun('x1', 'h', { namespace: 'other' }), T0 + 2 * HOUR + 400, T0 + 2 * HOUR + 410, {
    kind: 'suspend',
    waits: { signals: ['approve'], children: [], timers: {} },
  });
}

/** A workflow's counts, without its percentiles. */
function countsOf(w: WorkflowOverview): Omit<WorkflowOverview, 'p50Ms' | 'p95Ms'> {
  return { workflow: w.workflow, runs: w.runs, completed: w.completed, failed: w.failed, cancelled: w.cancelled };
}

/**
 * The fixture's workflows in the default namespace, over hours 0 to 3; percentiles within `tolerance`
 * of the exact ones (a histogram's are within 5 %).
 */
function expectWorkflows(workflows: readonly WorkflowOverview[], tolerance: number): void {
  expect(workflows.map(countsOf)).toEqual([
    { workflow: 'a', runs: 4, completed: 3, failed: 1, cancelled: 0 },
    { workflow: 'b', runs: 1, completed: 0, failed: 0, cancelled: 1 },
    { workflow: 'c', runs: 0, completed: 1, failed: 0, cancelled: 0 },
    { workflow: 'h', runs: 2, completed: 0, failed: 0, cancelled: 0 },
    { workflow: 'q', runs: 1, completed: 0, failed: 0, cancelled: 0 },
  ]);
  // a: [100, 200, 300, 1000], the median between 200 and 300, the 95th at 2.85 of 3 ranks.
  const exact: Record<string, [number, number] | undefined> = { a: [250, 895], b: [8, 8], c: [1500, 1500] };
  for (const w of workflows) {
    const expected = exact[w.workflow];
    if (expected === undefined) {
      expect(w.p50Ms).toBeUndefined();
      continue;
    }
    for (const [found, wanted] of [
      [w.p50Ms!, expected[0]],
      [w.p95Ms!, expected[1]],
    ]) {
      expect(Math.abs(found! - wanted!), `${w.workflow}: ${found} for ${wanted}`).toBeLessThanOrEqual(Math.max(1, wanted! * tolerance));
    }
  }
}

export function overviewSuite(factory: StoreFactory): void {
  describe('overview', () => {
    it("aggregates a namespace's window: buckets, totals, workflows with percentiles, queues, waits for people and LLM cost", async () => {
      await withStore(factory, async (store) => {
        await fixture(store);
        const overview = await store.overview({ since: T0, until: T0 + 3 * HOUR, bucketMs: HOUR, namespace: 'default', now: T0 + 3 * HOUR });
        expect(overview.buckets).toEqual([
          { start: T0, started: 3, completed: 3, failed: 1, cancelled: 0 },
          { start: T0 + HOUR, started: 1, completed: 1, failed: 0, cancelled: 0 },
          { start: T0 + 2 * HOUR, started: 4, completed: 0, failed: 0, cancelled: 1 },
        ]);
        expect(overview.totals).toEqual({ started: 8, completed: 4, failed: 1, cancelled: 1 });
        expect(overview.failureRate).toBeCloseTo(1 / 6, 10);
        // Whole hours from an hour's start: read from the hourly counts, percentiles from their histograms.
        expectWorkflows(overview.workflows, 0.05);
        expect(overview.queues).toEqual([
          { queue: 'mail', queued: 1, oldestCreatedAt: T0 + 2 * HOUR + 100, oldestReadyAt: T0 + 2 * HOUR + 100 },
          { queue: 'reports', queued: 0 },
        ]);
        expect(overview.waitingForHumans).toBe(1);
        expect(overview.llm.calls).toBe(2);
        expect(overview.llm.costUsd).toBeCloseTo(0.75, 10);
        expect(overview.llm).toMatchObject({ inputTokens: 30, outputTokens: 12 });
      });
    });

    it('covers every namespace without one, and narrows to the window and its buckets', async () => {
      await withStore(factory, async (store) => {
        await fixture(store);
        const all = await store.overview({ since: T0, until: T0 + 3 * HOUR, bucketMs: HOUR, now: T0 + 3 * HOUR });
        expect(all.totals).toEqual({ started: 10, completed: 4, failed: 1, cancelled: 1 });
        expect(all.waitingForHumans).toBe(2);
        expect(all.queues.find((q) => q.queue === 'mail')).toMatchObject({ queued: 2, oldestCreatedAt: T0 + 2 * HOUR + 1 });

        // The last hour alone, in 30-minute buckets (the last one cut short by the window).
        const late = await store.overview({
          since: T0 + 2 * HOUR,
          until: T0 + 2 * HOUR + 45 * 60_000,
          bucketMs: 30 * 60_000,
          namespace: 'other',
          now: T0 + 3 * HOUR,
        });
        expect(late.buckets).toEqual([
          { start: T0 + 2 * HOUR, started: 2, completed: 0, failed: 0, cancelled: 0 },
          { start: T0 + 2 * HOUR + 30 * 60_000, started: 0, completed: 0, failed: 0, cancelled: 0 },
        ]);
        expect(late).toMatchObject({ failureRate: 0, waitingForHumans: 1, llm: { calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 } });

        const empty = await store.overview({ since: T0 + 10 * HOUR, until: T0 + 11 * HOUR, bucketMs: HOUR, namespace: 'default', now: T0 + 11 * HOUR });
        expect(empty.buckets).toEqual([{ start: T0 + 10 * HOUR, started: 0, completed: 0, failed: 0, cancelled: 0 }]);
        expect(empty.workflows).toEqual([]);
      });
    });

    it('reads the same counts from the runs alone, with exact percentiles, and from the hourly counts with the hour under way', async () => {
      await withStore(factory, async (store) => {
        await fixture(store);
        const filter = { until: T0 + 3 * HOUR, namespace: 'default', now: T0 + 3 * HOUR };
        // Buckets of 30 minutes: read from the runs alone.
        const fromRuns = await store.overview({ ...filter, since: T0, bucketMs: HOUR / 2 });
        expectWorkflows(fromRuns.workflows, 0);
        // Hours 0 and 1 from the hourly counts, the hour under way (2 h to 2 h 30) from the runs.
        const mixed = await store.overview({ ...filter, since: T0, until: T0 + 2 * HOUR + HOUR / 2, bucketMs: HOUR });
        const early = await store.overview({ ...filter, since: T0, until: T0 + 2 * HOUR + HOUR / 2, bucketMs: HOUR / 2 });
        expect(mixed.totals).toEqual(early.totals);
        expect(mixed.buckets.map((b) => b.started)).toEqual([3, 1, 4]);
        expect(mixed.llm).toEqual(early.llm);
        expect(mixed.workflows.map(countsOf)).toEqual(early.workflows.map(countsOf));
        expectWorkflows(mixed.workflows, 0.05);
        expect(fromRuns.totals).toEqual({ started: 8, completed: 4, failed: 1, cancelled: 1 });
        expect(fromRuns.llm.calls).toBe(2);
      });
    });

    it('counts random runs the same from the hourly counts as from the runs, bucket by bucket', async () => {
      await withStore(factory, async (store) => {
        let seed = 7;
        const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
        for (let i = 0; i < 120; i++) {
          const created = T0 + Math.floor(random() * 5 * HOUR);
          const ended = created + Math.floor(random() * random() * 2 * HOUR);
          const run = newRun(`r${i}`, ['a', 'b', 'c'][i % 3]!, { namespace: i % 4 === 0 ? 'other' : 'default' });
          const fate = random();
          if (fate < 0.5) await runTo(store, run, created, ended, complete);
          else if (fate < 0.7) await runTo(store, run, created, ended, fail);
          else if (fate < 0.85) {
            await store.createRun(run, created);
            await store.requestCancel(run.id, ended);
          } else await store.createRun({ ...run, queue: 'mail' }, created); // left queued, where runTo's claims do not look
        }
        for (const namespace of ['default', undefined]) {
          const window = { since: T0, until: T0 + 6 * HOUR + 17 * 60_000, now: T0 + 7 * HOUR, ...(namespace === undefined ? {} : { namespace }) };
          const hourly = await store.overview({ ...window, bucketMs: HOUR });
          const halves = await store.overview({ ...window, bucketMs: HOUR / 2 });
          expect(hourly.totals).toEqual(halves.totals);
          expect(hourly.workflows.map(countsOf)).toEqual(halves.workflows.map(countsOf));
          const merged = hourly.buckets.map((b, i) => {
            const [first, second] = [halves.buckets[2 * i]!, halves.buckets[2 * i + 1]];
            const sum = (key: 'started' | 'completed' | 'failed' | 'cancelled') => first[key] + (second?.[key] ?? 0);
            return { start: b.start, started: sum('started'), completed: sum('completed'), failed: sum('failed'), cancelled: sum('cancelled') };
          });
          expect(hourly.buckets).toEqual(merged);
          for (const w of hourly.workflows) {
            const exact = halves.workflows.find((e) => e.workflow === w.workflow)!;
            if (exact.p50Ms === undefined) continue;
            expect(Math.abs(w.p50Ms! - exact.p50Ms)).toBeLessThanOrEqual(Math.max(1, exact.p50Ms * 0.05));
          }
        }
      });
    });

    it('refuses a window of no bucket or of too many', async () => {
      await withStore(factory, async (store) => {
        for (const filter of [
          { since: T0, until: T0, bucketMs: HOUR, now: T0 },
          { since: T0, until: T0 + HOUR, bucketMs: 0, now: T0 },
          { since: T0, until: T0 + 501 * 1000, bucketMs: 1000, now: T0 },
        ])
          expect((await rejection(store.overview(filter))).code).toBe('BATON_INVALID_ARGUMENT');
        expect((await store.overview({ since: T0, until: T0 + 500 * 1000, bucketMs: 1000, now: T0 })).buckets).toHaveLength(500);
      });
    });
  });
}
