/**
 * The dashboard in a real browser: Chromium (headless, through playwright-core) against a real
 * server (SQLite file, an engine running the workflows below, the built dashboard). Skipped with a
 * notice where Chromium is not installed, except under CI=true, where that is a failure.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalError, defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';

import { callEach } from '../src/api/call-each.js';
import { CHROMIUM, HAVE_CHROMIUM, IMAGES, delay, startDashboard, until, type DashboardHarness } from './browser.js';

if (!HAVE_CHROMIUM) console.warn(`Skipping the dashboard's browser tests: no Chromium at ${CHROMIUM} (set BATON_CHROMIUM to another path).`);

// ------------------------------------------------------------------ the workflows the runs come from

/** Flipped by the test: the charge fails (for good) until then. */
const bank = { accepts: false };
let authorizeTries = 0;

const approval = defineWorkflow({ name: 'expense-approval' }, async (ctx, input: { customer: string; amount: number }) => {
  await ctx.step('check-policy', async () => ({ withinPolicy: input.amount < 1000 }));
  const decision = await ctx.waitForSignal<{ approved: boolean }>('approval');
  await ctx.step('record-decision', async () => decision);
  return decision;
});

const payment = defineWorkflow({ name: 'payment' }, async (ctx, input: { customer: string; amount: number }) => {
  await ctx.step('reserve-funds', async () => ({ reservation: `R-${input.customer}` }));
  const charge = await ctx.step(
    'charge-card',
    async () => {
      if (!bank.accepts) throw new TerminalError('The card was declined by the bank', { cause: new Error('issuer answered: insufficient funds') });
      return { chargeId: 'ch_1001' };
    },
    { input: { customer: input.customer, amount: input.amount, currency: 'EUR' }, retry: { maxAttempts: 1 } },
  );
  await ctx.step('send-receipt', async () => ({ sent: true }));
  return charge;
});

const pack = defineWorkflow({ name: 'pack-parcel' }, async (ctx, input: { items: number }) => {
  await ctx.step('pick-items', async () => {
    await delay(40);
    return input.items;
  });
  return ctx.step('seal-box', async () => ({ boxes: Math.ceil(input.items / 2) }));
});

const fulfil = defineWorkflow({ name: 'fulfil-order' }, async (ctx, input: { orderId: string; items: number }) => {
  await ctx.step('validate-order', async () => {
    await delay(30);
    return { valid: true };
  });
  await Promise.all([
    ctx.step('reserve-stock', async () => {
      await delay(120);
      return { reserved: input.items };
    }),
    ctx.step(
      'authorize-payment',
      async () => {
        await delay(40);
        if (++authorizeTries === 1) throw new Error('payment provider timed out');
        return { authorized: true };
      },
      { retry: { maxAttempts: 3, initialInterval: 10 } },
    ),
  ]);
  const parcel = await ctx.child(pack, { items: input.items });
  await ctx.step('ship', async () => {
    await delay(50);
    return { tracking: `TRK-${input.orderId}`, parcel };
  });
  return { shipped: true };
});

// ------------------------------------------------------------------ the server, the browser

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;
let adminKey: string;
let viewerKey: string;
const waitForStatus = (id: string, status: string) => h.waitForStatus(id, status);
const signIn = (key: string) => h.signIn(key);

/** The status badge of a run's row in the runs list. */
const rowStatus = (id: string) => page.locator(`tr[data-run-id="${id}"] .status`);

describe('acting on several runs (no browser)', () => {
  it('calls for each run a few at a time, and gathers the refusals with their codes', async () => {
    let inFlight = 0;
    let most = 0;
    const outcome = await callEach(
      ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      async (id) => {
        most = Math.max(most, ++inFlight);
        await delay(5);
        inFlight--;
        if (id === 'r3') throw Object.assign(new Error('Run r3 already ended (completed).'), { code: 'BATON_RUN_FINISHED' });
        if (id === 'r6') throw new Error('fetch failed');
      },
      3,
    );
    expect(outcome.done).toBe(5);
    expect(outcome.refused).toEqual([
      { id: 'r3', code: 'BATON_RUN_FINISHED', message: 'Run r3 already ended (completed).' },
      { id: 'r6', code: undefined, message: 'fetch failed' },
    ]);
    expect(most).toBe(3);
    expect(await callEach([], () => Promise.reject(new Error('never called')))).toEqual({ done: 0, refused: [] });
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('runs', { workflows: [approval, payment, pack, fulfil] });
    ({ engine, server, page, adminKey, viewerKey } = h);

    await engine.client.start(fulfil, { orderId: 'A-1001', items: 3 }, { id: 'order-A-1001', tags: ['shop', 'vip'] });
    await engine.client.start(payment, { customer: 'initech', amount: 120 }, { id: 'payment-initech', tags: ['billing'] });
    await engine.client.start(approval, { customer: 'acme-corp', amount: 420 }, { id: 'approval-acme', tags: ['finance'] });
    await engine.client.start(approval, { customer: 'globex', amount: 2600 }, { id: 'approval-globex', tags: ['finance'] });
    await waitForStatus('order-A-1001', 'completed');
    await waitForStatus('payment-initech', 'failed');
    await waitForStatus('approval-acme', 'waiting');
    await waitForStatus('approval-globex', 'waiting');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('signs in with an API key and says who it is', async () => {
    await page.goto(`${server.url}/runs`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('API key').fill('bk_nope_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'BATON_UNAUTHORIZED' }).waitFor();

    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/runs`);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await page.locator('.who-name').textContent()).toBe('dana');
    expect(await page.locator('.who-role').textContent()).toBe('admin');
    // A reload keeps the session (the key is in sessionStorage).
    await page.reload();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
  });

  it('charts the overview, with the window in the address', async () => {
    // Now: order-A-1001 and its child completed, payment-initech failed, two approvals wait for a person.
    await page.goto(`${server.url}/overview`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const stat = (label: string) => page.locator('.overview-stat', { hasText: label }).locator('.overview-stat-value');
    // The figures refresh as the runs move: each is awaited (a loaded machine may show an earlier state first).
    await stat('Completed').filter({ hasText: /^2$/ }).waitFor();
    await stat('Started').filter({ hasText: /^5$/ }).waitFor();
    await stat('Failed').filter({ hasText: /^1$/ }).waitFor();
    await stat('Failure rate')
      .filter({ hasText: /^33\.3%$/ })
      .waitFor();
    await stat('Waiting for people').filter({ hasText: /^2$/ }).waitFor();
    expect(await page.getByRole('link', { name: /Waiting for people/ }).getAttribute('href')).toBe('/inbox');
    // The charts are drawn: runs over time, failure rate and durations, as SVG with bars and a line.
    for (const chart of ['Runs over time', 'Failure rate', 'Duration per workflow']) {
      await page.getByRole('region', { name: chart }).locator('svg.recharts-surface').first().waitFor();
    }
    await page.getByRole('region', { name: 'Runs over time' }).locator('.recharts-bar-rectangle path').first().waitFor();
    await page.getByRole('region', { name: 'Duration per workflow' }).getByText('fulfil-order').waitFor();
    await page.screenshot({ path: join(IMAGES, 'dashboard-overview.png'), fullPage: true });

    await page.getByRole('group', { name: 'Time window' }).getByRole('button', { name: '7 days' }).click();
    await page.waitForURL(/\/overview\?window=7d$/);
    await stat('Completed').filter({ hasText: /^2$/ }).waitFor();
    await page.locator('button[aria-pressed="true"]', { hasText: '7 days' }).waitFor();
    await page.goto(`${server.url}/overview?window=1h`);
    await page.locator('button[aria-pressed="true"]', { hasText: 'Last hour' }).waitFor();
    await stat('Failed').filter({ hasText: /^1$/ }).waitFor();
  });

  it('lists the runs, and updates them live as they change', async () => {
    await page.goto(`${server.url}/runs`);
    await rowStatus('order-A-1001').filter({ hasText: 'completed' }).waitFor();
    await rowStatus('payment-initech').filter({ hasText: 'failed' }).waitFor();
    await rowStatus('approval-acme').filter({ hasText: 'waiting' }).waitFor();
    await page.locator('tr[data-run-id^="order-A-1001-"]').first().waitFor(); // the child run

    // A run that completes, and a new one, without reloading the page.
    const reloads: string[] = [];
    page.on('framenavigated', (frame) => reloads.push(frame.url()));
    await engine.client.signal('approval-acme', 'approval', { approved: true });
    await rowStatus('approval-acme').filter({ hasText: 'completed' }).waitFor();
    await engine.client.start(fulfil, { orderId: 'A-1002', items: 5 }, { id: 'order-A-1002', tags: ['shop'] });
    await rowStatus('order-A-1002').filter({ hasText: 'completed' }).waitFor();
    expect(reloads).toEqual([]);
    await page.waitForTimeout(1600); // let the changed rows' highlight fade before the picture
    await page.screenshot({ path: join(IMAGES, 'dashboard-runs.png') });
  });

  it('narrows the list by search and by status, in the address too', async () => {
    await page.goto(`${server.url}/runs`);
    await page.getByRole('searchbox').fill('globex');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/search=globex/);
    await until(async () => (await page.locator('tbody tr').count()) === 1, 'one row');
    expect(await page.locator('tbody tr').getAttribute('data-run-id')).toBe('approval-globex');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/status=failed/);
    await until(async () => (await page.locator('tbody tr').count()) === 1, 'one row');
    expect(await page.locator('tbody tr').getAttribute('data-run-id')).toBe('payment-initech');
    // Several statuses at once.
    await page.getByLabel('Status').selectOption({ label: 'not ended (queued, running, waiting)' });
    await page.waitForURL(/status=queued%2Crunning%2Cwaiting/);
    await until(
      async () => !(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')))).includes('payment-initech'),
      'the failed run to leave the list',
    );
    const statuses = await page.locator('tbody tr [data-status]').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => ['queued', 'running', 'waiting'].includes(status))).toBe(true);

    // The filtered address opens the same list.
    await page.goto(`${server.url}/runs?status=completed&tag=vip`);
    await until(async () => (await page.locator('tbody tr').count()) > 0, 'rows');
    const ids = await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')));
    expect(ids).toContain('order-A-1001');
    expect(ids).not.toContain('order-A-1002');
    // So does one with any set of statuses, shown as it is in the filter.
    await page.goto(`${server.url}/runs?status=completed,cancelled`);
    await until(async () => (await page.locator('tbody tr').count()) > 0, 'rows');
    expect(await page.getByLabel('Status').inputValue()).toBe('completed,cancelled');
    expect(await page.getByLabel('Status').locator('option:checked').textContent()).toBe('completed or cancelled');
    const shown = await page.locator('tbody tr [data-status]').allTextContents();
    expect(shown.every((status) => status === 'completed' || status === 'cancelled')).toBe(true);
  });

  it("shows a failed run's failing step and error, and retries it from that step", async () => {
    await page.goto(`${server.url}/runs/payment-initech`);
    await page.locator('.run-head .status').filter({ hasText: 'failed' }).waitFor();
    const details = page.locator('.step-details');
    await details.getByRole('heading', { name: /charge-card/ }).waitFor();
    await details.getByText('The card was declined by the bank', { exact: true }).waitFor();
    await details.getByText('issuer answered: insufficient funds').waitFor();
    await details.getByText('payment-initech:2').waitFor(); // the step's idempotency key
    // The failing step's input, shown above its error.
    const input = details.getByLabel('Input', { exact: true });
    await input.waitFor();
    expect(JSON.parse((await input.textContent())!)).toEqual({ customer: 'initech', amount: 120, currency: 'EUR' });
    expect(await details.locator('h4').allTextContents()).toEqual(['Input', 'Error']);

    bank.accepts = true;
    await page.getByRole('toolbar', { name: 'Run actions' }).getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('from its failed step (#2 charge-card)').waitFor();
    await dialog.getByRole('button', { name: 'Retry' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The page follows the run's stream to its end.
    await page.locator('.run-head .status').filter({ hasText: 'completed' }).waitFor();
    await page.locator('.timeline-row', { hasText: 'send-receipt' }).waitFor();
    expect((await engine.client.get('payment-initech'))?.status).toBe('completed');
  });

  it('shows a run as a timeline and a graph, with its child run', async () => {
    await page.goto(`${server.url}/runs/order-A-1001`);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    for (const step of ['validate-order', 'reserve-stock', 'authorize-payment', 'ship']) await timeline.getByText(step).waitFor();
    expect(await timeline.locator('.timeline-attempts').allTextContents()).toEqual(['×2']); // authorize-payment's retry
    // reserve-stock and authorize-payment ran side by side.
    const parallel = page.locator('.graph-parallel');
    await parallel.getByText('reserve-stock').waitFor();
    await parallel.getByText('authorize-payment').waitFor();

    const childLink = page.locator('.graph-node-link').first();
    const childId = (await childLink.textContent())!.replace('→', '').trim();
    expect(childId).toMatch(/^order-A-1001-\d+$/);
    await page.getByRole('heading', { name: 'Child runs' }).waitFor();
    await page.locator('.timeline-row', { hasText: 'authorize-payment' }).click();
    await page.locator('.step-details').getByText('Output').waitFor();
    await page.screenshot({ path: join(IMAGES, 'dashboard-run.png'), fullPage: true });

    await childLink.click();
    await page.waitForURL(`${server.url}/runs/${childId}`);
    await page.getByRole('heading', { name: /pack-parcel/ }).waitFor();
    await page.getByRole('link', { name: 'order-A-1001', exact: true }).waitFor(); // the parent
  });

  it('sends a signal and cancels a run through their dialogs', async () => {
    await engine.client.start(approval, { customer: 'umbrella', amount: 80 }, { id: 'approval-umbrella' });
    await waitForStatus('approval-umbrella', 'waiting');
    await page.goto(`${server.url}/runs/approval-umbrella`);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Reason/)
      .fill('customer withdrew the claim');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.run-head .status').filter({ hasText: 'cancelled' }).waitFor();

    await page.goto(`${server.url}/runs/approval-globex`);
    await page.getByRole('button', { name: 'Send signal' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Name').inputValue()).toBe('approval');
    await dialog.getByLabel(/Payload/).fill('{ "approved": ');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('BATON_INVALID_ARGUMENT').waitFor(); // not JSON: said in the dialog, nothing sent
    await dialog.getByLabel(/Payload/).fill('{ "approved": false }');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await page.locator('.run-head .status').filter({ hasText: 'completed' }).waitFor();
    expect((await engine.client.get('approval-globex'))?.output).toEqual({ approved: false });
  });

  it('cancels and retries the runs picked in the list, each on its own', async () => {
    bank.accepts = false;
    for (const n of [1, 2]) await engine.client.start(approval, { customer: `bulk-${n}`, amount: 5 }, { id: `bulk-approval-${n}` });
    for (const n of [1, 2]) await engine.client.start(payment, { customer: `bulk-${n}`, amount: 5 }, { id: `bulk-payment-${n}` });
    for (const n of [1, 2]) await waitForStatus(`bulk-approval-${n}`, 'waiting');
    for (const n of [1, 2]) await waitForStatus(`bulk-payment-${n}`, 'failed');
    bank.accepts = true;

    await page.goto(`${server.url}/runs?search=bulk-`);
    await until(async () => (await page.locator('tbody tr').count()) === 4, 'the four runs');
    await page.getByLabel('Pick every run on this page').check();
    const bar = page.getByRole('toolbar', { name: 'Selected runs' });
    await bar.getByText('4 runs selected').waitFor();
    // Only what applies: the failed runs to retry, the runs not ended to cancel.
    await bar.getByRole('button', { name: 'Retry 2 failed' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry runs' }).click();
    await bar.getByText('Queued again 2 runs.').waitFor();
    for (const n of [1, 2]) await waitForStatus(`bulk-payment-${n}`, 'completed');

    // The waiting ones, picked one by one in a list of waiting runs.
    await page.goto(`${server.url}/runs?search=bulk-&status=waiting`);
    await until(async () => (await page.locator('tbody tr').count()) === 2, 'the two waiting runs');
    await page.getByLabel('Pick run bulk-approval-1').check();
    await page.getByLabel('Pick run bulk-approval-2').check();
    await bar.getByText('2 runs selected').waitFor();
    expect(await bar.getByRole('button', { name: /Retry/ }).isDisabled()).toBe(true);
    await bar.getByRole('button', { name: 'Cancel 2 not ended' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Reason/)
      .fill('duplicate claims');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel runs' }).click();
    // No run is left to list; what the action did stays in view.
    await page.getByText('No runs match these filters').waitFor();
    await bar.getByText('Cancelled 2 runs.').waitFor();
    for (const n of [1, 2]) await waitForStatus(`bulk-approval-${n}`, 'cancelled');
    expect((await engine.client.get('bulk-approval-1'))?.error?.message).toContain('duplicate claims');
    // Each run's change is audited on its own.
    const audit = (await h.store.listAudit({ limit: 50 })).filter((e) => e.target.startsWith('bulk-'));
    expect(audit.map((e) => `${e.action} ${e.target} ${e.result}`).sort()).toEqual([
      'run.cancel bulk-approval-1 ok',
      'run.cancel bulk-approval-2 ok',
      'run.retry bulk-payment-1 ok',
      'run.retry bulk-payment-2 ok',
    ]);
  });

  it('shows a viewer no action buttons', async () => {
    await engine.client.start(approval, { customer: 'hooli', amount: 10 }, { id: 'approval-hooli' });
    await waitForStatus('approval-hooli', 'waiting');
    await page.goto(`${server.url}/runs/approval-hooli`);
    await page.getByRole('button', { name: 'Cancel run' }).waitFor(); // the admin has them

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(viewerKey);
    expect(await page.locator('.who-role').textContent()).toBe('viewer');
    await page.goto(`${server.url}/runs/approval-hooli`);
    await page.locator('.run-head .status').filter({ hasText: 'waiting' }).waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.getByRole('toolbar', { name: 'Run actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Cancel run|Send signal|Retry|Resume/ }).count()).toBe(0);
    // Nor boxes to pick runs with in the list.
    await page.goto(`${server.url}/runs`);
    await page.locator('tbody tr').first().waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
  });
});
