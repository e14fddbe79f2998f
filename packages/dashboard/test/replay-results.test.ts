/**
 * A run's replay checks on the run page, in a real Chromium against a real server on a SQLite file:
 * results made by `replayRun` over a real run (the code that ran it, then a reordered version) are
 * reported through the API by an operator key, and the page shows them latest first: the candidate,
 * ok or diverged with the position, what the journal holds against what the code asks for, and the
 * source line; the position shows its journal entry. A run no check covered shows no such card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, replayRun, type ReplayResult } from '@baton/core';
import { ApiClient } from '@baton/server/client';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

function shipment(reordered: boolean) {
  return defineWorkflow({ name: 'ship-order' }, async (ctx, input: { order: string }) => {
    if (reordered) await ctx.step('print-label', () => `label for ${input.order}`);
    await ctx.step('reserve-stock', () => ({ reserved: input.order }));
    if (!reordered) await ctx.step('print-label', () => `label for ${input.order}`);
    await ctx.waitForSignal('picked-up');
    return 'shipped';
  });
}

describe.skipIf(!HAVE_CHROMIUM)("a run's replay checks in Chromium", () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('replays', { workflows: [shipment(false)] });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows the checks latest first, with the divergence and its source line, and leaves a run without checks alone', async () => {
    const { engine, store, server, page } = h;
    await engine.client.start('ship-order', { order: 'A-1' }, { id: 'ship-a1' });
    await engine.client.start('ship-order', { order: 'B-2' }, { id: 'ship-b2' });
    await h.waitForStatus('ship-a1', 'waiting');
    await h.waitForStatus('ship-b2', 'waiting');
    const check = async (reordered: boolean): Promise<ReplayResult> =>
      replayRun(shipment(reordered), { run: (await store.getRun('ship-a1'))!, journal: await store.getJournal('ship-a1') });

    const operator = new ApiClient({ url: server.url, key: (await h.makeKey('ci', 'operator')).token });
    await operator.replays.report('release-41', [await check(false)]);
    const reordered = await check(true);
    expect(reordered.ok).toBe(false);
    await operator.replays.report('commit-9f3c2e1', [reordered]);

    await h.signIn(h.viewerKey);
    await page.goto(`${server.url}/runs/ship-a1`);
    const section = page.getByRole('region', { name: 'Replay checks' });
    await section.waitFor();
    const rows = section.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-ok')).toBe('false');
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('commit-9f3c2e1');
    const cells = await rows.nth(0).locator('td').allTextContents();
    expect(cells.slice(2, 6)).toEqual(['diverged BATON_NON_DETERMINISM', '#1', "step 'reserve-stock'", "step 'print-label'"]);
    expect(cells[6]).toMatch(/replay-results\.test\.(?:ts|js):\d+:\d+$/);
    expect(await rows.nth(1).getAttribute('data-ok')).toBe('true');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe('release-41');
    await section.getByText('the latest check diverges').waitFor();

    // The position shows its journal entry.
    await rows.nth(0).getByRole('button', { name: '#1' }).click();
    await page.locator('.entry-list tr.selected').filter({ hasText: 'reserve-stock' }).waitFor({ state: 'attached' });

    // A run no check covered: no card.
    await page.goto(`${server.url}/runs/ship-b2`);
    await page.locator('.run-head .status').filter({ hasText: 'waiting' }).waitFor();
    await page.getByRole('heading', { name: 'Journal' }).waitFor();
    expect(await page.getByRole('region', { name: 'Replay checks' }).count()).toBe(0);
  });
});
