/**
 * The operator's console in a real browser (Chromium against a real server on a SQLite file): the
 * audit log with its filters and pages, the latest events with the runs they started, API keys
 * (a token shown once, revoking), schedules (a new one, run now within its overlap policy, its
 * history, times in its own zone and the viewer's), each workflow's triggers, runs and success rate, and the runs list in pages.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalError, defineWorkflow } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { ApiClient } from '@baton/server/client';
import { HAVE_CHROMIUM, IMAGES, until, startDashboard, type DashboardHarness } from './browser.js';

const greet = defineWorkflow({ name: 'greet', on: { event: 'user.signed-up', input: 'data' } }, async (ctx, input: { email: string }) =>
  ctx.step('send', () => `hello ${input.email}`),
);
const report = defineWorkflow({ name: 'report' }, async (ctx, input: { fail?: boolean; wait?: boolean }) => {
  if (input.wait === true) return ctx.waitForSignal<string>('go');
  return ctx.step(
    'make',
    () => {
      if (input.fail === true) throw new TerminalError('The report source is gone');
      return 'done';
    },
    { retry: { maxAttempts: 1 } },
  );
});

let h: DashboardHarness;
let server: ApiServer;
let page: Page;
let admin: ApiClient;

const rows = (selector: string) => page.locator(selector);

describe.skipIf(!HAVE_CHROMIUM)("the operator's console in Chromium", () => {
  beforeAll(async () => {
    h = await startDashboard('console', { workflows: [greet, report] });
    ({ server, page } = h);
    admin = new ApiClient({ url: server.url, key: h.adminKey });
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists the audit log for an admin, filtered by actor, action and time, in pages', async () => {
    // Enough entries for a second page (50 a page), long ago (the log is newest first, by when written).
    const longAgo = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 55; i++)
      await h.store.appendAudit({ actor: 'cli', namespace: 'default', action: 'run.start', target: `old-${i}`, result: 'ok', at: longAgo + i });
    const operator = await h.makeKey('olga', 'operator');
    const olga = new ApiClient({ url: server.url, key: operator.token });
    await olga.start('report', {}, { id: 'audited-1' });
    await olga.cancel('audited-1').catch(() => undefined);
    await admin.start('report', {}, { id: 'audited-2' });

    await page.goto(`${server.url}/audit`);
    const table = page.getByRole('table', { name: 'Audit entries' });
    await table.locator('tr[data-action="run.start"]').filter({ hasText: 'audited-2' }).waitFor();
    // Olga's entries show her key's name.
    await table.locator('tr').filter({ hasText: 'audited-1' }).filter({ hasText: 'olga' }).first().waitFor();

    await page.getByLabel('Actor').selectOption(operator.id);
    await until(async () => (await table.locator('tbody tr').count()) === 2 && !(await table.getByText('audited-2').isVisible()), "only olga's entries");
    expect(page.url()).toContain(`actor=${operator.id}`);
    await page.getByLabel('Action').selectOption('run.cancel');
    await until(async () => (await table.locator('tbody tr').count()) === 1, "olga's cancel alone");
    await table.locator('tr[data-action="run.cancel"]').filter({ hasText: 'audited-1' }).waitFor();

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('input[name="until"]').fill('2020-06-01T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(
      async () => (await table.getByText('audited-2').count()) === 0 && (await table.getByText('old-54', { exact: true }).count()) === 1,
      'only the old entries',
    );
    expect(await table.locator('tbody tr').count()).toBe(50);
    expect(page.url()).toContain('until=2020-06-01');
    await page.getByRole('button', { name: 'Older →' }).click();
    await until(async () => (await table.getByText('old-0', { exact: true }).count()) === 1, 'the second page');
    expect(await table.locator('tbody tr').count()).toBe(5);
    await page.getByRole('button', { name: '← Newest' }).click();
    await table.getByText('old-54', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await table.getByText('audited-2').first().waitFor();
    await page.screenshot({ path: join(IMAGES, 'dashboard-audit.png') });
  });

  it('lists the latest events with the runs their triggers started, by type', async () => {
    const signup = await admin.emit('user.signed-up', { email: 'kim@example.com' });
    const other = await admin.emit('invoice.sent', { n: 1 });
    const runId = `greet@event-${signup.event.seq}`;
    await h.waitForStatus(runId, 'completed');

    await page.goto(`${server.url}/events`);
    const row = rows(`tr[data-event-seq="${signup.event.seq}"]`);
    await row.locator(`li[data-run-id="${runId}"] [data-status="completed"]`).waitFor();
    expect(await row.getByRole('link', { name: 'greet' }).getAttribute('href')).toBe(`/runs/${encodeURIComponent(runId)}`);
    await rows(`tr[data-event-seq="${other.event.seq}"]`).locator('.event-runs').getByText('none').waitFor();
    // Newest first.
    await page.screenshot({ path: join(IMAGES, 'dashboard-events.png') });
    const seqs = await page.locator('tr[data-event-seq]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-event-seq'))));
    expect(seqs.slice(0, 2)).toEqual([other.event.seq, signup.event.seq]);

    await page.getByLabel('Type').fill('user.signed-up');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(async () => (await page.locator('tr[data-event-seq]').count()) === 1, 'only the sign-up');
    await row.waitFor();
    await row.getByRole('link', { name: 'greet' }).click();
    await page.waitForURL(new RegExp(`/runs/${encodeURIComponent(runId)}`));
  });

  it('makes an API key whose token is shown once and works, and revokes it', async () => {
    await page.goto(`${server.url}/keys`);
    await page.getByRole('table', { name: 'API keys' }).getByText('dana').waitFor();
    await page.locator('input[name="key-name"]').fill('ci deploys');
    await page.locator('select[name="key-role"]').selectOption('operator');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
    const token = (await page.getByLabel('New key token').textContent())!.trim();
    expect(token).toMatch(/^bk_/);
    const made = await new ApiClient({ url: server.url, key: token }).me();
    expect(made).toMatchObject({ name: 'ci deploys', role: 'operator' });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(token).count()).toBe(0);

    const row = rows(`tr[data-key-id="${made.id}"]`);
    await row.locator('.key-state').getByText('active').waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row
      .locator('.key-state')
      .getByText(/revoked/)
      .waitFor();
    await expect(new ApiClient({ url: server.url, key: token }).me()).rejects.toMatchObject({ code: 'BATON_UNAUTHORIZED' });
  });

  it('makes a schedule, runs it now within its overlap policy, and shows its history in its own time zone and the viewer’s', async () => {
    await page.goto(`${server.url}/schedules`);
    await page.getByText('New schedule').click();
    await page.locator('input[name="schedule-id"]').fill('tokyo-report');
    await page.locator('input[name="schedule-workflow"]').fill('report');
    await page.locator('input[name="schedule-cron"]').fill('0 3 * * *');
    await page.locator('input[name="schedule-timezone"]').fill('Asia/Tokyo');
    await page.locator('textarea[name="schedule-input"]').fill('{ "wait": true }');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create schedule' }).click();
    const row = rows('tr[data-schedule-id="tokyo-report"]');
    // 03:00 in Tokyo is 18:00 UTC the day before: the browser's zone is UTC.
    await row
      .locator('.next-tick .schedule-time')
      .getByText(/03:00:00/)
      .waitFor();
    await row
      .locator('.next-tick .viewer-time')
      .getByText(/18:00:00 your time \(UTC\)/)
      .waitFor();
    expect(await h.store.getSchedule('tokyo-report')).toMatchObject({ workflow: 'report', timezone: 'Asia/Tokyo', overlap: 'skip', input: '{"wait":true}' });

    // Every policy the API takes; a cron the server refuses is shown with its code, and nothing is made.
    await page.locator('input[name="schedule-id"]').fill('backfilled');
    await page.locator('input[name="schedule-cron"]').fill('every tuesday');
    await page.locator('textarea[name="schedule-input"]').fill('');
    await page.locator('select[name="schedule-overlap"]').selectOption('buffer');
    await page.locator('select[name="schedule-catchup"]').selectOption('all');
    await page.locator('input[name="schedule-catchup-limit"]').fill('5');
    await page.locator('input[name="schedule-paused"]').check();
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('dialog').getByRole('alert').getByText('BATON_INVALID_ARGUMENT').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    expect(await h.store.getSchedule('backfilled')).toBeUndefined();
    await page.locator('input[name="schedule-cron"]').fill('0 6 * * 2');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create schedule' }).click();
    await rows('tr[data-schedule-id="backfilled"]').locator('.schedule-state').getByText('paused').waitFor();
    expect(await h.store.getSchedule('backfilled')).toMatchObject({ overlap: 'buffer', catchup: 'all', catchupLimit: 5, paused: true, timezone: 'Asia/Tokyo' });
    expect(await rows('tr[data-schedule-id="backfilled"]').getByRole('button', { name: 'Run now' }).count()).toBe(0);

    await row.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('dialog').getByText('overlap policy is skip').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Run now' }).click();
    const started = page.locator('.run-now-result');
    await started.waitFor();
    const runId = (await started.getByRole('link').textContent())!.trim();
    expect(runId).toMatch(/^tokyo-report@/);
    await h.waitForStatus(runId, 'waiting');

    // The run goes on: 'skip' refuses another, and the dialog says why.
    await row.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('dialog').getByRole('alert').getByText('BATON_SCHEDULE_BUSY').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await row.getByRole('link', { name: 'tokyo-report' }).click();
    await page.getByRole('heading', { name: 'tokyo-report' }).waitFor();
    const history = page.getByRole('table', { name: 'Schedule history' });
    await history.locator(`tr[data-run-id="${runId}"] [data-status="waiting"]`).waitFor();
    await page.locator('.next-tick').getByText('Asia/Tokyo').waitFor();
    await h.engine.client.signal(runId, 'go', 'now');
    await h.waitForStatus(runId, 'completed');
    await page.reload();
    await history.locator(`tr[data-run-id="${runId}"] [data-status="completed"]`).waitFor();
    await page.screenshot({ path: join(IMAGES, 'dashboard-schedule.png'), fullPage: true });
    expect((await h.store.listAudit({ action: 'schedule.run', limit: 5 })).map((e) => e.result)).toEqual(['BATON_SCHEDULE_BUSY', 'ok']);
  });

  it("shows each workflow's triggers, runs and success rate over 7 or 30 days", async () => {
    for (const [id, input] of [
      ['wf-ok-1', {}],
      ['wf-ok-2', {}],
      ['wf-fail', { fail: true }],
    ] as const) {
      await admin.start('report', input, { id });
    }
    await h.waitForStatus('wf-fail', 'failed');
    for (const id of ['wf-ok-1', 'wf-ok-2', 'audited-2']) await h.waitForStatus(id, 'completed');
    await until(async () => ['completed', 'cancelled'].includes((await h.engine.client.get('audited-1'))?.status ?? ''), 'audited-1 to end');
    const stats = await admin.overview({ since: new Date(Date.now() - 7 * 86_400_000) });
    const reported = stats.workflows.find((w) => w.workflow === 'report')!;
    const ended = reported.completed + reported.failed + reported.cancelled;

    await page.goto(`${server.url}/workflows`);
    const row = rows('tr[data-workflow="report"]');
    await row.locator('.workflow-triggers [data-trigger="schedule"]').getByText('tokyo-report').waitFor();
    await rows('tr[data-workflow="greet"]').locator('[data-trigger="event"]').getByText('user.signed-up').waitFor();
    await until(async () => (await row.locator('.workflow-runs').textContent()) === String(reported.runs), 'the run count');
    expect(reported.failed).toBe(1);
    expect(await row.locator('.workflow-success').textContent()).toBe(`${((reported.completed / ended) * 100).toFixed(1)} %`);
    expect(await rows('tr[data-workflow="greet"]').locator('.workflow-success').textContent()).toBe('100 %');

    // A run of 10 days ago (of a version no worker runs, so it stays queued) counts over 30 days only.
    await h.store.createRun({ id: 'wf-old', workflow: 'report', version: 'retired', input: '{}', queue: 'default', priority: 0 }, Date.now() - 10 * 86_400_000);
    await page.reload();
    await until(async () => (await row.locator('.workflow-runs').textContent()) === String(reported.runs), 'the run count over 7 days');
    await page.locator('select[name="stats-window"]').selectOption('30');
    await until(async () => (await row.locator('.workflow-runs').textContent()) === String(reported.runs + 1), 'the run count over 30 days');
    expect(page.url()).toContain('days=30');
    expect(await row.locator('.workflow-success').textContent()).toBe(`${((reported.completed / ended) * 100).toFixed(1)} %`);

    await row.getByRole('link', { name: 'report', exact: true }).click();
    await page.getByRole('list', { name: 'Triggers' }).locator('[data-trigger="schedule"]').getByText('0 3 * * *').waitFor();
  });

  it('shows a viewer no audit log, keys, or schedule buttons', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(h.viewerKey);
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /Audit|Keys/ })
        .count(),
    ).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).waitFor();
    await page.goto(`${server.url}/audit`);
    await page.getByText('The audit log is for admins').waitFor();
    await page.goto(`${server.url}/keys`);
    await page.getByText('API keys are for admins').waitFor();
    await page.goto(`${server.url}/schedules`);
    await rows('tr[data-schedule-id="tokyo-report"]').waitFor();
    expect(await page.getByRole('button', { name: /Run now|Pause|Resume/ }).count()).toBe(0);
    expect(await page.getByText('New schedule').count()).toBe(0);
  });

  it('pages the runs list, keeping its filters in the address', async () => {
    // Enough runs for a second page (50 a page), set apart from the other tests' runs by a tag.
    for (let i = 0; i < 55; i++) await admin.start('report', {}, { id: `paged-${String(i).padStart(2, '0')}`, tags: ['paged'] });

    await page.goto(`${server.url}/runs?tag=paged`);
    const table = page.locator('table.runs-table');
    await until(async () => (await table.locator('tbody tr').count()) === 50, 'the first page of 50 runs');
    await page.getByText('50 runs on this page').waitFor();
    expect(await page.getByRole('button', { name: '← First page' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Next page →' }).click();
    await until(async () => (await table.locator('tbody tr').count()) === 5, 'the second page of 5 runs');
    await page.getByText('5 runs on this page').waitFor();
    expect(page.url()).toContain('tag=paged');
    expect(page.url()).toContain('cursor=');
    expect(await page.getByRole('button', { name: 'Next page →' }).count()).toBe(0);

    await page.getByRole('button', { name: '← First page' }).click();
    await until(async () => (await table.locator('tbody tr').count()) === 50, 'the first page again');
    expect(page.url()).not.toContain('cursor=');
    expect(page.url()).toContain('tag=paged');
  });
});
