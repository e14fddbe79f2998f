/**
 * The dashboard shows the workflows a worker in another process registered on the store (the API's
 * catalog entries) next to the server's own, and starts a run of one from its page: the worker runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { HAVE_CHROMIUM, startDashboard, until, type DashboardHarness } from './browser.js';

const local = defineWorkflow({ name: 'local-greet', description: 'Runs here' }, async () => 'hi');
const remote = defineWorkflow(
  { name: 'remote-report', version: '4', description: 'Runs on the reporting hosts', queue: 'reports', input: z.object({ month: z.string().min(7) }) },
  async (ctx, input: { month: string }) => ctx.step('render', () => `report for ${input.month}`),
);

let h: DashboardHarness;
let workerStore: SqliteStore;
let worker: Engine;

describe.skipIf(!HAVE_CHROMIUM)('catalog workflows in the dashboard (Chromium)', () => {
  beforeAll(async () => {
    h = await startDashboard('catalog', { workflows: [local] });
    // A worker elsewhere: its own connection to the file, and workflows the server has no code for.
    workerStore = new SqliteStore({ path: h.store.path });
    worker = new Engine({ store: workerStore, workflows: [remote], logger: silentLogger, pollIntervalMs: 20 });
    await worker.start();
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop({ timeoutMs: 2000 });
    await workerStore?.close();
    await h?.close();
  });

  it("lists a worker's workflow the server has no code for, and starts a run of it that the worker runs", async () => {
    const { page, server } = h;
    await page.goto(`${server.url}/workflows`);
    await page.locator('tr[data-workflow="remote-report"]').waitFor();
    expect(await page.locator('tr[data-workflow="local-greet"]').count()).toBe(1);
    const row = page.locator('tr[data-workflow="remote-report"]');
    expect(await row.innerText()).toMatch(/remote-report\s+4\s+Runs on the reporting hosts\s+reports/);

    await row.getByRole('link', { name: 'remote-report' }).click();
    await page.getByRole('table', { name: 'Input schema' }).waitFor();
    const form = page.getByRole('form', { name: 'Start a run' });
    await form.getByLabel('month').fill('2030-01');
    await form.getByLabel(/Run id/).fill('report-jan');
    await form.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(`${server.url}/runs/report-jan`);
    await until(async () => (await worker.client.get('report-jan'))?.status === 'completed', 'the worker to run report-jan', 20_000);
    // On the queue the worker registered for it: the server has no code to read it from.
    expect(await worker.client.get('report-jan')).toMatchObject({ output: 'report for 2030-01', queue: 'reports' });
  });
});
