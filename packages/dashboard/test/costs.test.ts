/**
 * The Costs page in a real browser (Chromium against a real server on a SQLite file): runs and model
 * spend per workflow, tag or namespace over a chosen period, by day or month; a viewer sees its own
 * namespace only; the CSV download holds the same rows as the API's CSV.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRun } from '@baton/core';
import { ApiClient } from '@baton/server/client';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2030, 0, 30);
const REFS = ['bill', 'mail'].map((name) => ({ name, version: '1', current: true }));

let h: DashboardHarness;
let page: Page;

function llmOutput(costUsd: number): string {
  const usage = { inputTokens: 1200, outputTokens: 300, totalTokens: 1500 };
  return JSON.stringify({ kind: 'baton.llm', text: 'ok', model: 'test:m', usage, costUsd, priced: true, cached: false, failures: [], finishReason: 'stop' });
}

/** A finished run created at `at` with one model call of `costUsd`. */
async function runWithCall(run: Partial<NewRun> & { id: string; workflow: string }, at: number, costUsd: number): Promise<void> {
  await h.store.createRun({ version: '1', input: '{}', queue: 'default', priority: 0, ...run }, at);
  const [claimed] = await h.store.claimRuns({ owner: 'seed', now: at, leaseMs: DAY, limit: 1, workflows: REFS, queues: ['default'] });
  const journal = [
    {
      runId: run.id,
      seq: 1,
      kind: 'step' as const,
      name: 'llm',
      status: 'completed' as const,
      output: llmOutput(costUsd),
      attempts: 1,
      startedAt: at,
      endedAt: at,
    },
  ];
  await h.store.commit([{ runId: run.id, leaseToken: claimed!.leaseToken, journal, transition: { kind: 'complete', output: 'null' } }], at + 1);
}

const rowKeys = () => page.locator('[data-cost-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-cost-row')));

describe.skipIf(!HAVE_CHROMIUM)('the Costs page in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('costs', { workflows: [] });
    page = h.page;
    await runWithCall({ id: 'c1', workflow: 'bill', tags: ['team:search', 'cc:4100'] }, D0 + 1000, 1.5);
    await runWithCall({ id: 'c2', workflow: 'mail', tags: ['team:search'] }, D0 + DAY + 1000, 0.25);
    await runWithCall({ id: 'c3', workflow: 'bill', namespace: 'billing' }, D0 + DAY + 2000, 4);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows an admin every namespace per workflow by day, regroups by tag and month, and follows the period picker', async () => {
    await h.signIn(h.adminKey);
    await page.getByRole('link', { name: 'Costs' }).click();
    await page.getByRole('heading', { name: 'Costs' }).waitFor();
    await page.getByLabel('From').fill('2030-01-30');
    await page.getByLabel('Until (not included)').fill('2030-02-01');
    await expect.poll(rowKeys, { timeout: 15_000 }).toEqual(['2030-01-30|default|bill', '2030-01-31|billing|bill', '2030-01-31|default|mail']);
    await expect.poll(() => page.locator('[data-total-cost]').textContent()).toBe('$5.7500');
    expect(await page.locator('[data-cost-row="2030-01-30|default|bill"] td').allTextContents()).toEqual([
      '2030-01-30',
      'default',
      'bill',
      '1',
      '1',
      '1,200 / 300',
      '$1.5000',
    ]);

    await page.locator('select[name=groupBy]').selectOption('tag');
    await page.locator('select[name=interval]').selectOption('month');
    await expect.poll(rowKeys, { timeout: 15_000 }).toEqual(['2030-01|default|cc:4100', '2030-01|default|team:search']);
    expect(await page.locator('[data-cost-row="2030-01|default|team:search"] td').last().textContent()).toBe('$1.7500');
    expect(new URL(page.url()).searchParams.get('groupBy')).toBe('tag');

    await page.getByLabel('From').fill('2030-01-31');
    await expect.poll(rowKeys, { timeout: 15_000 }).toEqual(['2030-01|default|team:search']);
  }, 60_000);

  it('downloads the rows as the CSV the API answers', async () => {
    await page.goto(`${h.server.url}/costs?from=2030-01-30&to=2030-02-01&groupBy=namespace&interval=month`);
    await expect.poll(rowKeys, { timeout: 15_000 }).toEqual(['2030-01|billing|billing', '2030-01|default|default']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('baton-costs-2030-01-30-2030-02-01.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const api = new ApiClient({ url: h.server.url, key: h.adminKey });
    expect(csv).toBe(await api.costsCsv({ from: '2030-01-30', to: '2030-02-01', groupBy: 'namespace', interval: 'month' }));
    expect(csv.split('\n')[1]).toBe('2030-01,billing,namespace,billing,1,1,0,1200,300,4.000000');
  });

  it("shows a viewer its own namespace's costs only", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(h.viewerKey);
    await page.goto(`${h.server.url}/costs?from=2030-01-30&to=2030-02-01&groupBy=workflow&interval=day`);
    await expect.poll(rowKeys, { timeout: 15_000 }).toEqual(['2030-01-30|default|bill', '2030-01-31|default|mail']);
  });
});
