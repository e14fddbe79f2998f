/**
 * The namespace switcher in a real browser (Chromium against a real server on a SQLite file): a key
 * that may act in two namespaces picks one in the header and the runs list shows that namespace's
 * runs only, the choice kept across a reload; a key of every namespace names one to switch to; a key
 * of one namespace sees no switcher.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, newApiKey } from '@baton/core';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

const hold = defineWorkflow({ name: 'hold' }, async (ctx) => ctx.waitForSignal('go'));

let h: DashboardHarness;
let page: Page;
const tokens: Record<string, string> = {};

const listedRuns = () => page.locator('[data-run-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')).sort());

describe.skipIf(!HAVE_CHROMIUM)('the namespace switcher in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('namespaces', { workflows: [hold] });
    page = h.page;
    for (const [name, namespace, namespaces] of [
      ['two-teams', 'team-a', ['team-b']],
      ['team-a only', 'team-a', undefined],
      ['everywhere', 'default', ['*']],
    ] as const) {
      const key = newApiKey({ name, role: 'operator', namespace, ...(namespaces === undefined ? {} : { namespaces: [...namespaces] }) }, Date.now());
      await h.store.createApiKey(key.record);
      tokens[name] = key.token;
    }
    await h.engine.client.as({ id: 'seed', namespace: 'team-a' }).start('hold', undefined, { id: 'a-order-1' });
    await h.engine.client.as({ id: 'seed', namespace: 'team-a' }).start('hold', undefined, { id: 'a-order-2' });
    await h.engine.client.as({ id: 'seed', namespace: 'team-b' }).start('hold', undefined, { id: 'b-invoice-1' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it("switches every view to the chosen namespace: the runs list shows that namespace's runs only", async () => {
    await h.signIn(tokens['two-teams']!);
    const switcher = page.getByRole('combobox', { name: 'Namespace' });
    await switcher.waitFor();
    expect(await switcher.locator('option').allTextContents()).toEqual(['team-a', 'team-b']);
    expect(await switcher.inputValue()).toBe('team-a');
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['a-order-1', 'a-order-2']);

    await switcher.selectOption('team-b');
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['b-invoice-1']);
    // The run page of another namespace's run is not found from here.
    await page.goto(`${h.server.url}/runs/a-order-1`);
    await page
      .getByText(/not found|no run/i)
      .first()
      .waitFor({ timeout: 15_000 });

    // The choice is kept across a reload.
    await page.goto(`${h.server.url}/runs`);
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['b-invoice-1']);
    expect(await page.getByRole('combobox', { name: 'Namespace' }).inputValue()).toBe('team-b');

    await page.getByRole('combobox', { name: 'Namespace' }).selectOption('team-a');
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['a-order-1', 'a-order-2']);
  });

  it('lets a key of every namespace name the namespace to switch to', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(tokens.everywhere!);
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual([]);
    const field = page.getByRole('combobox', { name: 'Namespace' });
    await field.fill('team-b');
    await page.getByRole('button', { name: 'Switch' }).click();
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['b-invoice-1']);
    expect(await page.getByRole('combobox', { name: 'Namespace' }).getAttribute('placeholder')).toBe('team-b');
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('shows a key of one namespace no switcher', async () => {
    await h.signIn(tokens['team-a only']!);
    await expect.poll(listedRuns, { timeout: 15_000 }).toEqual(['a-order-1', 'a-order-2']);
    expect(await page.getByRole('combobox', { name: 'Namespace' }).count()).toBe(0);
    expect(await page.locator('.who-namespace').textContent()).toBe('team-a');
  });
});
