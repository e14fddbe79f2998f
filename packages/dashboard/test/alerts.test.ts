/**
 * The Alerts page in Chromium (a real server on a SQLite file): an admin sees the rules with their
 * state and the transitions the evaluator recorded, creates a rule (a bad one shows the API's
 * reason), edits it and deletes it after confirming.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvaluator, ManualClock, alertRuleSchema, defineWorkflow } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { HAVE_CHROMIUM, IMAGES, startDashboard, until, type DashboardHarness } from './browser.js';

const noop = defineWorkflow({ name: 'noop' }, async () => 'ok');

let h: DashboardHarness;
let server: ApiServer;
let page: Page;

describe.skipIf(!HAVE_CHROMIUM)('the Alerts page in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('alerts', { workflows: [noop] }, () => ({ alertChannels: ['ops-hook'] }));
    ({ server, page } = h);
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows rules with their state and transitions, and creates, edits and deletes a rule', async () => {
    const now = Date.now();
    await h.store.saveAlertRule(
      alertRuleSchema.parse({ id: 'imports-backlog', name: 'Imports backlog', condition: { kind: 'queue-depth', queue: 'imports' }, threshold: 0 }),
      'file',
      now,
    );
    await h.store.createRun({ id: 'queued-1', workflow: 'import', version: '1', input: '{}', queue: 'imports', priority: 0, namespace: 'default' }, now);
    await new AlertEvaluator({ store: h.store, holder: 'dashboard-test', clock: new ManualClock(now + 1000) }).evaluate();

    await page.goto(`${server.url}/alerts`);
    const rules = page.getByRole('table', { name: 'Alert rules' });
    await rules.locator('tr[data-rule-id="imports-backlog"]').filter({ hasText: 'firing (1)' }).waitFor();
    await page.getByRole('table', { name: 'Alert transitions' }).locator('tr').filter({ hasText: 'imports-backlog' }).filter({ hasText: 'firing' }).waitFor();
    await page.screenshot({ path: join(IMAGES, 'dashboard-alerts.png') });

    const editor = page.locator('textarea[name="alert-rule"]');
    await editor.fill(JSON.stringify({ id: 'slow', name: 'Slow runs', condition: { kind: 'stuck', status: 'running' }, threshold: 0 }));
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('alert').filter({ hasText: 'condition.for' }).waitFor();

    await editor.fill(
      JSON.stringify({ id: 'slow', name: 'Slow runs', condition: { kind: 'stuck', status: 'running', for: '1h' }, threshold: 0, channels: ['ops-hook'] }),
    );
    await page.getByRole('button', { name: 'Create rule' }).click();
    await rules.locator('tr[data-rule-id="slow"]').filter({ hasText: 'Slow runs' }).waitFor();
    expect((await h.store.getAlertRule('slow'))?.condition).toEqual({ kind: 'stuck', status: 'running', for: 3_600_000 });

    await rules.locator('tr[data-rule-id="slow"]').getByRole('button', { name: 'Edit' }).click();
    const edited = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...edited, threshold: 3, severity: 'critical' }));
    await page.getByRole('button', { name: 'Save rule' }).click();
    await until(async () => (await h.store.getAlertRule('slow'))?.threshold === 3, 'the edited rule saved');

    await rules.locator('tr[data-rule-id="slow"]').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await until(async () => (await rules.locator('tr[data-rule-id="slow"]').count()) === 0, 'the rule gone from the table');
    expect(await h.store.getAlertRule('slow')).toBeUndefined();
  });
});
