/**
 * The inbox, workflows and schedules pages in a real browser (Chromium against a real server on a
 * SQLite file): answering a waiting run through the form generated from its signal's schema,
 * starting a run from a workflow's input schema, pausing a schedule, and what a viewer does not see.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { ApiClient } from '@baton/server/client';
import { HAVE_CHROMIUM, IMAGES, delay, startDashboard, type DashboardHarness } from './browser.js';

const expenseClaim = defineWorkflow(
  {
    name: 'expense-claim',
    description: 'A claim over the limit waits for finance to approve it.',
    signals: { approval: z.object({ approved: z.boolean(), comment: z.string().optional() }) },
  },
  async (ctx, input: { employee: string; amount: number }) => {
    ctx.setProgress({ stage: 'finance review', detail: `${input.employee} claims ${input.amount} EUR` });
    return ctx.waitForSignal<{ approved: boolean; comment?: string }>('approval');
  },
);

const contractReview = defineWorkflow(
  { name: 'contract-review', signals: { review: z.object({ approved: z.boolean(), comment: z.string().min(3) }) } },
  async (ctx) => {
    ctx.setProgress({ waitingFor: 'legal', request: 'sign-off on the supplier contract' });
    return ctx.waitForSignal<{ approved: boolean; comment: string }>('review');
  },
);

const sendInvoice = defineWorkflow(
  {
    name: 'send-invoice',
    description: 'Makes and sends an invoice.',
    input: z.object({
      customer: z.string().min(2),
      amount: z.number().positive().max(100_000),
      currency: z.enum(['EUR', 'USD']),
      lines: z.array(z.string()).optional(),
      address: z.object({ city: z.string(), country: z.string().length(2) }),
    }),
  },
  async (ctx, input) => ctx.step('send', async () => ({ sent: true, to: input.customer })),
);

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;
let adminKey: string;
let viewerKey: string;
const waitForStatus = (id: string, status: string) => h.waitForStatus(id, status);
const signIn = (key: string) => h.signIn(key);

const card = (runId: string) => page.locator(`.inbox-entry[data-run-id="${runId}"]`);

describe.skipIf(!HAVE_CHROMIUM)('the inbox, workflows and schedules in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('approvals', { workflows: [expenseClaim, contractReview, sendInvoice] });
    ({ engine, server, page, adminKey, viewerKey } = h);
    await new ApiClient({ url: server.url, key: adminKey }).schedule.create({
      id: 'nightly-invoices',
      workflow: 'send-invoice',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      input: { customer: 'acme', amount: 10, currency: 'EUR', address: { city: 'Berlin', country: 'DE' } },
    });

    await engine.client.start(expenseClaim, { employee: 'kim', amount: 1800 }, { id: 'claim-kim', tags: ['finance'] });
    await delay(5); // an older wait first
    await engine.client.start(contractReview, {}, { id: 'contract-supplier' });
    await waitForStatus('claim-kim', 'waiting');
    await waitForStatus('contract-supplier', 'waiting');
    await signIn(adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists the waiting runs, claims one and approves it through its generated form', async () => {
    await page.goto(`${server.url}/inbox`);
    await card('claim-kim').waitFor();
    const ids = await page.locator('.inbox-entry').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-run-id')));
    expect(ids).toEqual(['claim-kim', 'contract-supplier']); // oldest wait first
    const kim = card('claim-kim');
    await kim.getByText('finance review').waitFor(); // its progress, readable
    await kim.getByText('kim claims 1800 EUR').waitFor();
    await card('contract-supplier').getByText('sign-off on the supplier contract').waitFor();
    expect(await kim.locator('.inbox-assignee').textContent()).toBe('unclaimed');
    expect(await page.getByRole('form').count()).toBe(0); // a row opens to its forms

    await kim.getByRole('button', { name: 'Open claim-kim' }).click();
    await kim.getByRole('button', { name: 'Claim', exact: true }).click();
    await kim.locator('.inbox-assignee').filter({ hasText: 'dana' }).waitFor();
    expect((await engine.client.inbox.list()).entries.find((e) => e.run.id === 'claim-kim')?.claim?.assignee).toBe('dana');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(IMAGES, 'dashboard-inbox.png'), fullPage: true });

    // Approve: the generated form has the comment field; `approved` is the button's.
    const form = kim.getByRole('form', { name: 'Signal approval' });
    expect(await form.getByRole('checkbox').count()).toBe(0);
    await form.getByLabel(/comment/).fill('within the travel budget');
    await form.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('"within the travel budget"').waitFor();
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await waitForStatus('claim-kim', 'completed');
    expect((await engine.client.get('claim-kim'))?.output).toEqual({ approved: true, comment: 'within the travel budget' });
    await card('claim-kim').waitFor({ state: 'detached' }); // live: gone from the inbox
  });

  it('checks a required comment in the browser before a rejection is sent', async () => {
    await page.goto(`${server.url}/inbox`);
    await card('contract-supplier').getByRole('button', { name: 'Open contract-supplier' }).click();
    const form = card('contract-supplier').getByRole('form', { name: 'Signal review' });
    await form.getByRole('button', { name: 'Reject' }).click();
    const comment = form.locator('.field', { has: page.getByLabel('comment') });
    await comment.locator('.field-error').filter({ hasText: 'Required.' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await form.getByLabel('comment').fill('no');
    await form.getByRole('button', { name: 'Reject' }).click();
    await comment.locator('.field-error').filter({ hasText: 'At least 3 characters.' }).waitFor();

    await form.getByLabel('comment').fill('liability clause is missing');
    await form.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
    await waitForStatus('contract-supplier', 'completed');
    expect((await engine.client.get('contract-supplier'))?.output).toEqual({ approved: false, comment: 'liability clause is missing' });
    await page.getByText('Nothing is waiting for a person').waitFor();
  });

  it("starts a run from a workflow's input schema, with field errors for invalid input", async () => {
    await page.goto(`${server.url}/workflows`);
    await page.locator('tr[data-workflow="expense-claim"]').getByText('approval').waitFor(); // its declared signal
    await page.getByRole('link', { name: 'send-invoice' }).click();
    await page.waitForURL(/\/workflows\/send-invoice$/);
    const schema = page.getByRole('table', { name: 'Input schema' });
    await schema.getByText('address.country').waitFor();
    await schema.getByText('one of "EUR", "USD"').waitFor();

    const form = page.getByRole('form', { name: 'Start a run' });
    await form.getByLabel('customer').fill('b');
    await form.getByLabel('amount').fill('-4');
    await form.getByLabel('lines').fill('consulting, travel');
    await form.getByLabel('city').fill('Lyon');
    await form.getByLabel('country').fill('FRA');
    await form.getByRole('button', { name: 'Start run' }).click();
    const error = (field: string) => form.locator('.field', { has: page.getByLabel(field, { exact: true }) }).locator('.field-error');
    await error('customer').filter({ hasText: 'At least 2 characters.' }).waitFor();
    await error('amount').filter({ hasText: 'More than 0.' }).waitFor();
    await error('currency').filter({ hasText: 'Required.' }).waitFor();
    await error('country').filter({ hasText: 'At most 2 characters.' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    await form.getByLabel('customer').fill('bluth');
    await form.getByLabel('amount').fill('240.5');
    await form.getByLabel('currency').selectOption('EUR');
    await form.getByLabel('country').fill('FR');
    await form.getByLabel(/Run id/).fill('invoice-bluth');
    await form.getByLabel(/Tags/).fill('billing, q3');
    await form.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(`${server.url}/runs/invoice-bluth`);
    await waitForStatus('invoice-bluth', 'completed');
    const run = (await engine.client.get('invoice-bluth'))!;
    expect(run.input).toEqual({ customer: 'bluth', amount: 240.5, currency: 'EUR', lines: ['consulting', 'travel'], address: { city: 'Lyon', country: 'FR' } });
    expect(run.tags).toEqual(['billing', 'q3']);
  });

  it('pauses and resumes a schedule, for an admin', async () => {
    await page.goto(`${server.url}/schedules`);
    const row = page.locator('tr[data-schedule-id="nightly-invoices"]');
    await row.getByText('Europe/Berlin').waitFor();
    await row.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await row.locator('.schedule-state').filter({ hasText: 'paused' }).waitFor();
    expect((await h.store.getSchedule('nightly-invoices'))?.paused).toBe(true);
    await row.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await row.locator('.schedule-state').filter({ hasText: 'active' }).waitFor();
    expect((await h.store.getSchedule('nightly-invoices'))?.paused).toBe(false);
  });

  it('shows a viewer no claim, answer, start or pause buttons', async () => {
    await engine.client.start(expenseClaim, { employee: 'lee', amount: 90 }, { id: 'claim-lee' });
    await waitForStatus('claim-lee', 'waiting');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(viewerKey);

    await page.goto(`${server.url}/inbox`);
    await card('claim-lee').getByText('finance review').waitFor();
    expect(await page.getByRole('button', { name: /Claim|Assign|Release|Approve|Reject/ }).count()).toBe(0);
    expect(await page.getByRole('form').count()).toBe(0);

    await page.goto(`${server.url}/workflows/send-invoice`);
    await page.getByRole('table', { name: 'Input schema' }).waitFor();
    await page.getByRole('table', { name: 'Recent runs' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start run' }).count()).toBe(0);

    await page.goto(`${server.url}/schedules`);
    await page.locator('tr[data-schedule-id="nightly-invoices"]').waitFor();
    expect(await page.getByRole('button', { name: /Pause|Resume/ }).count()).toBe(0);
  });
});
