/**
 * The inbox with many runs waiting, in a real browser (Chromium against a real server on a SQLite
 * file): a compact list, forms opened one at a time, escalated tasks shown with who they went to,
 * filtering and sorting, the approver field
 * prefilled with the signed-in key's name, and approving several runs at once (each its own call,
 * audited, the refused ones listed with why).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { HAVE_CHROMIUM, startDashboard, until, type DashboardHarness } from './browser.js';

const expense = defineWorkflow(
  { name: 'expense-claim', signals: { approval: z.object({ approved: z.boolean(), approver: z.string(), comment: z.string().optional() }) } },
  async (ctx, input: { employee: string; amount: number; hours?: number }) => {
    ctx.setProgress({ stage: 'finance review', employee: input.employee, amount: input.amount });
    const options = input.hours === undefined ? {} : { timeout: `${input.hours} hours` as const };
    return ctx.waitForSignal('approval', options);
  },
);

// Contracts escalate to the legal team as soon as they wait, and would be decided by default in 30 days.
const contract = defineWorkflow(
  { name: 'contract-review', signals: { review: z.object({ approved: z.boolean(), comment: z.string().min(3) }) } },
  async (ctx) =>
    ctx.waitForSignal('review', {
      escalation: [
        { after: 0, action: 'reassign', to: 'legal-team' },
        { after: '30 days', action: 'decide', value: { approved: false, comment: 'no review in 30 days' } },
      ],
    }),
);

const address = defineWorkflow({ name: 'address-check', signals: { address: z.object({ street: z.string() }) } }, async (ctx) => ctx.waitForSignal('address'));

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;

const rowIds = (): Promise<(string | null)[]> => page.locator('.inbox-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));

describe.skipIf(!HAVE_CHROMIUM)('the inbox with many waiting runs, in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('inbox', { workflows: [expense, contract, address] });
    ({ engine, server, page } = h);
    const started: string[] = [];
    // 25 claims (three with a deadline: 30, 10 and 20 hours), 3 contracts, 3 addresses: 31 waiting.
    const hours: Record<number, number> = { 4: 30, 9: 10, 14: 20 };
    for (let i = 0; i < 25; i++) {
      const id = `claim-${String(i).padStart(2, '0')}`;
      await engine.client.start(expense, { employee: `e${i}`, amount: 100 + i, ...(hours[i] === undefined ? {} : { hours: hours[i] }) }, { id });
      started.push(id);
    }
    for (const i of [0, 1, 2]) {
      await engine.client.start(contract, null, { id: `contract-${i}` });
      await engine.client.start(address, null, { id: `address-${i}` });
      started.push(`contract-${i}`, `address-${i}`);
    }
    for (const id of started) await h.waitForStatus(id, 'waiting');
    for (const i of [0, 1, 2])
      await until(async () => (await h.store.getRun(`contract-${i}`))?.waits?.escalations?.[0]?.assignee === 'legal-team', `contract-${i} to escalate`);
    await engine.client.inbox.claim('claim-07', 'kim');
    await h.signIn(h.adminKey);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists 31 waiting runs compactly, with no form open until a row is opened, one at a time', async () => {
    await page.goto(`${server.url}/inbox`);
    await until(async () => (await page.locator('.inbox-entry').count()) === 31, '31 rows');
    await page.getByText('31 waiting runs on this page').waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    const escalated = page.locator('.inbox-entry[data-run-id="contract-1"] .inbox-assignee');
    expect(await escalated.locator('strong').textContent()).toBe('legal-team');
    expect(await escalated.locator('.inbox-escalation-stage').textContent()).toMatch(/^escalated to legal-team at /);
    expect(await escalated.locator('.inbox-escalation-next').textContent()).toMatch(/^next: decide by default at /);
    const height = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight,
    );
    expect(height).toBeLessThan(2600);

    const row = (id: string) => page.locator(`.inbox-entry[data-run-id="${id}"]`);
    await row('claim-03').getByRole('button', { name: 'Open claim-03' }).click();
    await row('claim-03').getByRole('form', { name: 'Signal approval' }).waitFor();
    await row('contract-1').getByRole('button', { name: 'Open contract-1' }).click();
    await row('contract-1').getByRole('form', { name: 'Signal review' }).waitFor();
    expect(await page.getByRole('form').count()).toBe(1); // the first one closed
    await row('contract-1').getByRole('button', { name: 'Close contract-1' }).click();
    await until(async () => (await page.getByRole('form').count()) === 0, 'the form to close');
  });

  it('prefills the approver field with the signed-in key’s name', async () => {
    await page.goto(`${server.url}/inbox`);
    const row = page.locator('.inbox-entry[data-run-id="claim-05"]');
    await row.getByRole('button', { name: 'Open claim-05' }).click();
    const form = row.getByRole('form', { name: 'Signal approval' });
    expect(await form.getByLabel('approver').inputValue()).toBe('dana');
    await form.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('dialog').getByText('"approver": "dana"').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await h.waitForStatus('claim-05', 'completed');
    expect((await engine.client.get('claim-05'))?.output).toEqual({ approved: true, approver: 'dana' });
    await row.waitFor({ state: 'detached' });
  });

  it('filters by workflow, assignee and words, and sorts by deadline and workflow', async () => {
    await page.goto(`${server.url}/inbox`);
    await until(async () => (await page.locator('.inbox-entry').count()) === 30, '30 rows');
    const filters = page.getByRole('search', { name: 'Filter the inbox' });
    await filters.locator('select[name="workflow"]').selectOption('contract-review');
    expect((await rowIds()).sort()).toEqual(['contract-0', 'contract-1', 'contract-2']);
    await filters.locator('select[name="workflow"]').selectOption('');
    await filters.locator('select[name="assignee"]').selectOption('kim');
    expect(await rowIds()).toEqual(['claim-07']);
    await filters.locator('select[name="assignee"]').selectOption('legal-team');
    expect((await rowIds()).sort()).toEqual(['contract-0', 'contract-1', 'contract-2']);
    await filters.locator('select[name="assignee"]').selectOption({ label: 'unclaimed' });
    expect((await rowIds()).length).toBe(26);
    await filters.locator('select[name="assignee"]').selectOption({ label: 'anyone' });
    await filters.getByLabel('Search').fill('e12');
    expect(await rowIds()).toEqual(['claim-12']); // its progress names the employee
    await filters.getByLabel('Search').fill('');

    await filters.locator('select[name="sort"]').selectOption('deadline');
    // 10, 20, 30 hours; then the runs without a deadline, the oldest wait first (as the server says it).
    const sinceOrder = (await engine.client.inbox.list({ limit: 100 })).entries.filter((e) => e.deadline === undefined).map((e) => e.run.id);
    expect((await rowIds()).slice(0, 4)).toEqual(['claim-09', 'claim-14', 'claim-04', sinceOrder[0]]);
    await filters.locator('select[name="sort"]').selectOption('workflow');
    expect((await rowIds()).slice(0, 3).sort()).toEqual(['address-0', 'address-1', 'address-2']);
    await filters.locator('select[name="sort"]').selectOption('assignee');
    expect((await rowIds())[0]).toBe('claim-07');
  });

  it('approves the picked runs, each its own audited call, and says which were refused and why', async () => {
    await page.goto(`${server.url}/inbox`);
    const pick = (id: string) => page.locator(`.inbox-entry[data-run-id="${id}"]`).getByRole('checkbox', { name: `Pick run ${id}` });
    await pick('claim-01').check();
    await pick('claim-02').check();
    await pick('contract-0').check(); // needs a comment of 3 characters or more: a bulk answer without one is refused
    await pick('address-0').check(); // no approve / reject answer
    const bar = page.getByRole('toolbar', { name: 'Selected inbox runs' });
    await bar.getByText('4 runs selected (1 without an approve / reject answer: open it to answer)').waitFor();
    await bar.getByRole('button', { name: 'Approve 3' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve runs' }).click();
    const status = bar.getByRole('status');
    await status.getByText('Approved 2 runs; 1 refused:').waitFor();
    await status.locator('li', { hasText: 'contract-0' }).getByText('BATON_INVALID_SIGNAL').waitFor();
    await status
      .locator('li', { hasText: 'contract-0' })
      .getByText(/comment: Required\./)
      .waitFor();

    await h.waitForStatus('claim-01', 'completed');
    await h.waitForStatus('claim-02', 'completed');
    expect((await engine.client.get('claim-01'))?.output).toEqual({ approved: true, approver: 'dana' });
    expect((await engine.client.get('contract-0'))?.status).toBe('waiting');
    expect((await engine.client.get('address-0'))?.status).toBe('waiting');
    const audit = (await h.store.listAudit({ limit: 100 })).filter((e) => e.action === 'run.signal');
    expect(audit.map((e) => e.target).sort()).toEqual(['claim-01', 'claim-02', 'claim-05']);

    // With a comment, the contract's rejection goes through.
    await pick('contract-0').check();
    await bar.getByRole('button', { name: 'Reject 1' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Comment/)
      .fill('liability clause missing');
    await page.getByRole('dialog').getByRole('button', { name: 'Reject runs' }).click();
    await status.getByText('Rejected 1 run.').waitFor();
    await h.waitForStatus('contract-0', 'completed');
    expect((await engine.client.get('contract-0'))?.output).toEqual({ approved: false, comment: 'liability clause missing' });
  });
});
