/** Store.overview on 50,000 runs in PostgreSQL: computed by aggregates in well under a few seconds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBulkRuns } from '@baton/testkit';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

const RUNS = 50_000;

describe.runIf(runPostgresTests('the PostgreSQL overview at scale'))('the overview at scale on PostgreSQL', () => {
  let store: PostgresStore;
  const now = Date.now();

  beforeAll(async () => {
    store = new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 });
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
});
