/** GET /api/stats/overview on 50,000 runs in SQLite: answered from aggregates in well under a few seconds. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';
import { writeBulkRuns } from '@baton/testkit';

const RUNS = 50_000;
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-overview-scale-'));
  store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'OFF' });
  await store.init();
  const now = Date.now();
  await writeBulkRuns(store, RUNS, now - 23 * 3_600_000, now - 60_000);
}, 120_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the overview at scale', () => {
  it(`answers over ${RUNS.toLocaleString('en')} runs from aggregates`, async () => {
    const app = createApp({ client: new Client({ store }), store, auth: false });
    const started = performance.now();
    const res = await app.request('/api/stats/overview');
    const ms = performance.now() - started;
    console.log(`[overview] sqlite, ${RUNS} runs: ${ms.toFixed(0)} ms`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totals: { started: number; completed: number; failed: number }; workflows: unknown[]; llm: { calls: number } };
    expect(body.totals.started).toBe(RUNS);
    expect(body.totals.completed + body.totals.failed).toBe(RUNS - RUNS / 20);
    expect(body.workflows).toHaveLength(5);
    expect(body.llm.calls).toBe(RUNS / 10);
    expect(ms).toBeLessThan(5000);
  });
});
