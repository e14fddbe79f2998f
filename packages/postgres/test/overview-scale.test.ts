/**
 * Store.overview on 50,000 runs in PostgreSQL: computed by aggregates in well under a few seconds,
 * the same before and after the hourly counts take in their changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '@baton/core';
import { writeBulkRuns } from '@baton/testkit';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

const RUNS = 50_000;

describe.runIf(runPostgresTests('the PostgreSQL overview at scale'))('the overview at scale on PostgreSQL', () => {
  let store: PostgresStore;
  const now = Date.now();

  beforeAll(async () => {
    store = new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4, foldStatsEveryMs: 0 });
    await store.init();
    await writeBulkRuns(store, RUNS, now - 23 * 3_600_000, now - 60_000);
  }, 120_000);

  afterAll(async () => {
    await store.close();
  });

  it(`aggregates ${RUNS.toLocaleString('en')} runs`, async () => {
    const started = performance.now();
    const overview = await store.overview({ since: now - 24 * 3_600_000, until: now, bucketMs: 3_600_000, namespace: 'default', now });
    const ms = performance.now() - started;
    console.log(`[overview] postgres, ${RUNS} runs: ${ms.toFixed(0)} ms`);
    expect(overview.totals.started).toBe(RUNS);
    expect(overview.totals.completed + overview.totals.failed).toBe(RUNS - RUNS / 20);
    expect(overview.llm.calls).toBe(RUNS / 10);
    expect(overview.workflows.every((w) => w.p95Ms !== undefined)).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  it('counts the same from the hourly counts, from the changes not yet folded into them, and from the runs', async () => {
    const hour = 3_600_000;
    const since = now - (now % hour) - 24 * hour;
    const window = { since, until: now, namespace: 'default', now };
    const unfolded = await store.overview({ ...window, bucketMs: hour });
    await store.foldStats();
    const folded = await store.overview({ ...window, bucketMs: hour });
    // Buckets of 30 minutes: read from the runs alone.
    const fromRuns = await store.overview({ ...window, bucketMs: hour / 2 });
    // Costs are sums of floats, added up in another order.
    const cents = (o: Overview) => ({ ...o, llm: { ...o.llm, costUsd: Math.round(o.llm.costUsd * 100) } });
    expect(cents(folded)).toEqual(cents(unfolded));
    expect(folded.totals).toEqual(fromRuns.totals);
    expect(cents(folded).llm).toEqual(cents(fromRuns).llm);
    for (const w of folded.workflows) {
      const exact = fromRuns.workflows.find((e) => e.workflow === w.workflow)!;
      expect({ ...w, p50Ms: 0, p95Ms: 0 }).toEqual({ ...exact, p50Ms: 0, p95Ms: 0 });
      expect(Math.abs(w.p95Ms! - exact.p95Ms!)).toBeLessThanOrEqual(exact.p95Ms! * 0.05);
    }
  });
});
