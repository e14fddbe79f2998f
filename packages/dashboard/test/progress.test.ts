/**
 * A run's progress and input as the dashboard shows them, in a real browser (Chromium against a
 * real server on a SQLite file): progress as labelled, nested fields in the run's header and as one
 * line in the runs list's progress column; the list's input on one line, whole on hover and click.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

const packOrder = defineWorkflow({ name: 'pack-order' }, async (ctx, input: { order: string; notes: string }) => {
  ctx.setProgress({ stage: 'packing', items: { done: 3, total: 10 }, carriers: ['dhl', 'ups'], note: `fragile "glass" for ${input.order}` });
  return ctx.waitForSignal('packed');
});

const LONG_NOTES = 'handle with care; '.repeat(120);

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;

describe.skipIf(!HAVE_CHROMIUM)('progress and input in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('progress', { workflows: [packOrder] });
    ({ engine, server, page } = h);
    await engine.client.start(packOrder, { order: 'o-17', notes: LONG_NOTES }, { id: 'pack-17' });
    await h.waitForStatus('pack-17', 'waiting');
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it("shows a run's progress as nested fields in its header, not as JSON", async () => {
    await page.goto(`${server.url}/runs/pack-17`);
    const progress = page.locator('.run-progress');
    const field = (key: string) => progress.locator(`.progress-field[data-key="${key}"] > dd`).first();
    await field('stage')
      .filter({ hasText: /^packing$/ })
      .waitFor();
    expect(await field('carriers').textContent()).toBe('dhl, ups');
    expect(await field('note').textContent()).toBe('fragile "glass" for o-17');
    // Nested: `items` holds its own fields.
    const items = field('items');
    expect(await items.locator('.progress-field[data-key="done"] > dd').textContent()).toBe('3');
    expect(await items.locator('.progress-field[data-key="total"] > dd').textContent()).toBe('10');
    const text = (await progress.textContent()) ?? '';
    expect(text).not.toMatch(/[{}\\]/);
  });

  it('lists progress in its own column on one line, and the input on one line, each whole on hover and click', async () => {
    await page.goto(`${server.url}/runs`);
    const row = page.locator('tr[data-run-id="pack-17"]');
    await row.waitFor();
    const progress = row.locator('.progress-cell button');
    expect(await progress.textContent()).toBe('stage: packing · items.done: 3 · items.total: 10 · carriers: dhl, ups · note: fragile "glass" for o-17');
    expect(await progress.getAttribute('title')).toBe('stage: packing\nitems.done: 3\nitems.total: 10\ncarriers: dhl, ups\nnote: fragile "glass" for o-17');

    // The long input: one line, as high as the other cells; the whole of it on hover.
    const input = row.locator('.input-cell button');
    const lineHeight = (await progress.boundingBox())!.height;
    expect((await input.boundingBox())!.height).toBeLessThanOrEqual(lineHeight + 1);
    expect((await row.boundingBox())!.height).toBeLessThan(60);
    expect(JSON.parse((await input.getAttribute('title'))!)).toEqual({ order: 'o-17', notes: LONG_NOTES });

    // Clicked: laid out in full under the line; clicked again, one line again.
    await input.click();
    const full = row.locator('.input-cell pre.json');
    expect(JSON.parse((await full.textContent())!)).toEqual({ order: 'o-17', notes: LONG_NOTES });
    await input.click();
    await full.waitFor({ state: 'detached' });
    await progress.click();
    await row.locator('.progress-cell .progress-field[data-key="stage"]').waitFor();
  });
});
