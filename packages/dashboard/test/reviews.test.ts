/**
 * The Failed runs page in a real browser (Chromium against a real server and engine on a SQLite
 * file): the queue of failed runs awaiting review, filtered by workflow and paged; an operator marks
 * one resolved with a note and retries another, and both leave the queue, as the API and the audit
 * log confirm; a viewer sees the queue without the actions.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalError, defineWorkflow } from '@baton/core';
import { ApiClient } from '@baton/server/client';
import { HAVE_CHROMIUM, IMAGES, startDashboard, type DashboardHarness } from './browser.js';

let h: DashboardHarness;
let page: Page;
let api: ApiClient;
/** The orders the card processor accepts; the others fail for good. */
const accepted = new Set<string>();

const charge = defineWorkflow({ name: 'charge', retry: { maxAttempts: 1 } }, async (ctx, input: { order: string }) =>
  ctx.step(
    'charge-card',
    () => {
      if (!accepted.has(input.order)) throw new TerminalError(`card declined for ${input.order}`, { code: 'CARD_DECLINED' });
      return `charged ${input.order}`;
    },
    { retry: { maxAttempts: 1 } },
  ),
);
const ship = defineWorkflow({ name: 'ship', retry: { maxAttempts: 1 } }, async (ctx, input: { order: string }) =>
  ctx.step(
    'book-carrier',
    () => {
      throw new TerminalError(`no carrier for ${input.order}`);
    },
    { retry: { maxAttempts: 1 } },
  ),
);

const rowIds = () => page.locator('[data-review-run]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-review-run')));
const row = (id: string) => page.locator(`[data-review-run="${id}"]`);

describe.skipIf(!HAVE_CHROMIUM)('the Failed runs page in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('reviews', { workflows: [charge, ship] });
    page = h.page;
    api = new ApiClient({ url: h.server.url, key: h.adminKey });
    for (const [id, workflow, order] of [
      ['charge-a', 'charge', 'A-1'],
      ['ship-c', 'ship', 'C-3'],
      ['charge-b', 'charge', 'B-2'],
    ] as const) {
      await api.start(workflow, { order }, { id });
      await h.waitForStatus(id, 'failed');
    }
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists the failed runs awaiting review, newest first, with their error and input, and filters them by workflow', async () => {
    await h.signIn(h.adminKey);
    await page.getByRole('link', { name: 'Failed runs' }).click();
    await page.getByRole('heading', { name: 'Failed runs' }).waitFor();
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b', 'ship-c', 'charge-a']);
    const cells = row('charge-a').locator('td');
    expect(await cells.nth(1).textContent()).toContain('charge');
    expect(await cells.nth(2).textContent()).toContain('card declined for A-1');
    expect(await cells.nth(4).textContent()).toContain('"order":"A-1"');
    expect(await row('charge-a').getByRole('link').getAttribute('href')).toBe('/runs/charge-a');
    await page.screenshot({ path: join(IMAGES, 'dashboard-failed-runs.png') });

    await page.getByLabel('Workflow').fill('charge');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b', 'charge-a']);
    expect(new URL(page.url()).searchParams.get('workflow')).toBe('charge');
  }, 60_000);

  it('pages through the queue', async () => {
    await page.goto(`${h.server.url}/reviews`);
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b', 'ship-c', 'charge-a']);
    // The API's pages are what the page's pager walks; a short page shows the link on.
    const first = await api.reviews.list({ limit: 2 });
    expect(first.runs.map((r) => r.id)).toEqual(['charge-b', 'ship-c']);
    await page.goto(`${h.server.url}/reviews?cursor=${encodeURIComponent(first.nextCursor!)}`);
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-a']);
    await page.getByRole('button', { name: '← Newest' }).click();
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b', 'ship-c', 'charge-a']);
  }, 60_000);

  it('marks one run resolved with a note and retries another: both leave the queue, audited', async () => {
    await page.goto(`${h.server.url}/reviews?workflow=charge`);
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b', 'charge-a']);

    await row('charge-a').getByRole('button', { name: 'Mark resolved' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note (what was done about it)').fill('Refunded by hand; customer informed.');
    await dialog.getByRole('button', { name: 'Mark resolved' }).click();
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-b']);
    await page.getByRole('status').getByText('Run charge-a was marked resolved.').waitFor();
    expect(await api.reviews.get('charge-a')).toMatchObject({ note: 'Refunded by hand; customer informed.' });
    expect((await api.get('charge-a'))?.run.status).toBe('failed');

    accepted.add('B-2');
    await row('charge-b').getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await h.waitForStatus('charge-b', 'completed');
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual([]);
    await page.getByText('No failed run awaits review').waitFor();

    expect((await api.reviews.list()).runs.map((r) => r.id)).toEqual(['ship-c']);
    expect((await api.reviews.list({ state: 'resolved' })).runs.map((r) => r.id)).toEqual(['charge-a']);
    const audit = await api.audit({ target: 'charge-a', action: 'run.resolve' });
    expect(audit.entries.map((e) => [e.action, e.result])).toEqual([['run.resolve', 'ok']]);
    const retried = await api.audit({ target: 'charge-b', action: 'run.retry' });
    expect(retried.entries.map((e) => e.result)).toEqual(['ok']);

    await page.locator('select[name=state]').selectOption('resolved');
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['charge-a']);
    await expect.poll(() => row('charge-a').getByRole('button', { name: 'Mark resolved' }).count()).toBe(0);
  }, 60_000);

  it('shows a viewer the queue without the actions', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(h.viewerKey);
    await page.getByRole('link', { name: 'Failed runs' }).click();
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(['ship-c']);
    expect(await page.getByRole('button', { name: 'Mark resolved' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
  }, 60_000);
});
