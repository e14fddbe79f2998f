/**
 * Moving runs to a new version from a workflow's page, in a real browser against a real server: an
 * admin checks (a dry run lists the run that would move and the one the new code cannot replay, with
 * where it diverges), then moves; the moved run finishes on the new code, the refused one is untouched.
 * An operator's or a viewer's page offers no move.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow } from '@baton/core';
import { HAVE_CHROMIUM, until, startDashboard, type DashboardHarness } from './browser.js';

function ticket(version: '1' | '2') {
  return defineWorkflow({ name: 'ticket', version }, async (ctx, input: { urgent: boolean }) => {
    await ctx.step('open', () => 'opened');
    // v2 no longer escalates: a run that did cannot replay on it.
    if (version === '1' && input.urgent) await ctx.step('escalate', () => 'paged');
    if (version === '2' && ctx.patched('label')) await ctx.step('label', () => 'new');
    const answer = await ctx.waitForSignal<string>('answer');
    return `v${version}: ${answer}`;
  });
}
const v1 = ticket('1');
const v2 = ticket('2');

let h: DashboardHarness;
let page: Page;

describe.skipIf(!HAVE_CHROMIUM)('moving runs to a new version in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('version-move', { workflows: [v1, v2] });
    ({ page } = h);
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows an admin a dry run with the divergence, then moves the run that replays', async () => {
    const calm = await h.engine.client.start(v1, { urgent: false }, { id: 'calm-ticket' });
    const urgent = await h.engine.client.start(v1, { urgent: true }, { id: 'urgent-ticket' });
    await h.waitForStatus(calm.id, 'waiting');
    await h.waitForStatus(urgent.id, 'waiting');
    const urgentBefore = { run: await h.store.getRun(urgent.id), journal: await h.store.getJournal(urgent.id) };

    await page.goto(`${h.server.url}/workflows/ticket`);
    const section = page.getByRole('region', { name: 'Move runs to another version' });
    await section.getByRole('heading', { name: 'Move runs to version 2' }).waitFor();
    await until(async () => (await section.locator('input[name="move-from"]').inputValue()) === '1', 'the version runs are on, offered');
    await section.getByRole('button', { name: 'Check runs (dry run)' }).click();

    const table = section.getByRole('table', { name: 'Version move' });
    await table.locator('tr[data-run-id="calm-ticket"][data-outcome="would move"]').waitFor();
    const refused = table.locator('tr[data-run-id="urgent-ticket"][data-outcome="refused"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain("the journal holds step 'escalate'");
    expect((await h.store.getRun(calm.id))!.version).toBe('1');

    await section.getByRole('button', { name: 'Move 1 run to version 2' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Move runs' }).click();
    await section.getByRole('status').filter({ hasText: 'Moved 1 run to version 2' }).waitFor();
    await table.locator('tr[data-run-id="calm-ticket"][data-outcome="moved"]').waitFor();

    expect((await h.store.getRun(calm.id))!.version).toBe('2');
    expect({ run: await h.store.getRun(urgent.id), journal: await h.store.getJournal(urgent.id) }).toEqual(urgentBefore);
    await h.engine.client.signal(calm.id, 'answer', 'fixed');
    expect(await calm.result()).toBe('v2: fixed');
    expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toMatchObject([{ target: calm.id, result: 'ok' }]);
  });

  it('offers no move to an operator or a viewer', async () => {
    const operator = await h.makeKey('olga', 'operator');
    for (const key of [operator.token, h.viewerKey]) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await h.signIn(key);
      await page.goto(`${h.server.url}/workflows/ticket`);
      await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
      await page.getByRole('heading', { name: 'Input' }).waitFor();
      expect(await page.getByRole('region', { name: 'Move runs to another version' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Check runs (dry run)' }).count()).toBe(0);
    }
  });
});
