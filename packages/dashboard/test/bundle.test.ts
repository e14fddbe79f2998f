/**
 * The dashboard's code split by page, in a real browser (Chromium against a real server on a SQLite
 * file): the runs page loads the shell, the shared libraries and its own chunk, not the other
 * views' code (the overview's charts library above all); each view's chunk comes when its route is
 * first shown.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, type Engine } from '@baton/core';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

const hello = defineWorkflow({ name: 'hello' }, async (ctx) => ctx.step('greet', async () => 'hi'));

let h: DashboardHarness;
let engine: Engine;
let page: Page;
/** Every script the tab loaded: its path and size (once its body is read). */
const scripts = new Map<string, number>();
const reading: Promise<unknown>[] = [];

describe.skipIf(!HAVE_CHROMIUM)('the dashboard loaded page by page, in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('bundle', { workflows: [hello] });
    ({ engine, page } = h);
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.endsWith('.js')) return;
      scripts.set(path, 0);
      reading.push(response.body().then((body) => scripts.set(path, body.length)));
    });
    await engine.client.start(hello, null, { id: 'hello-1' });
    await h.waitForStatus('hello-1', 'completed');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const loaded = (name: string): string[] => [...scripts.keys()].filter((path) => path.includes(`/${name}-`));
  const kilobytes = async (): Promise<number> => {
    await Promise.all(reading);
    return [...scripts.values()].reduce((sum, n) => sum + n, 0) / 1024;
  };

  it("loads the runs page without the other pages' code", async () => {
    await h.signIn(h.adminKey);
    await page.locator('tr[data-run-id="hello-1"]').waitFor();
    expect(loaded('runs-page')).toHaveLength(1);
    expect(loaded('vendor')).toHaveLength(1);
    for (const other of ['overview-page', 'run-page', 'inbox-page', 'workflows-page', 'schedules-page', 'definition-page', 'definition-graph'])
      expect(loaded(other)).toEqual([]);
    // The whole app was one 750 KB script; the runs page now needs well under half of that.
    expect(await kilobytes()).toBeLessThan(330);
  });

  it("loads a page's code when its route is first shown", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('.recharts-wrapper').first().waitFor();
    expect(loaded('overview-page')).toHaveLength(1);
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: 'hello-1' }).click();
    await page.getByRole('table', { name: 'Timeline' }).waitFor();
    expect(loaded('run-page')).toHaveLength(1);
    // A run of a workflow that is not a definition draws no definition graph: its layout code stays away.
    expect(loaded('definition-graph')).toEqual([]);
  });
});
