/**
 * The run timeline in a real browser (Chromium against a real server on a SQLite file): waits
 * drawn as bars as long as the run waited, a waiting run's open wait as an open-ended bar whose
 * length does not squash the finished steps, and the selected entry always in view: the default
 * one is drawn, and a row far down a long timeline is scrolled into its box.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, TerminalError, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { HAVE_CHROMIUM, startDashboard, until, type DashboardHarness } from './browser.js';

const review = defineWorkflow({ name: 'review-order' }, async (ctx) => {
  await ctx.step('check-stock', async () => 'ok');
  await ctx.step('reserve', async () => 'held');
  await ctx.sleep('1500ms');
  return ctx.waitForSignal('approval');
});

const long = defineWorkflow({ name: 'long-import' }, async (ctx, input: { rows: number }) => {
  for (let i = 0; i < input.rows; i++) await ctx.step(`row-${i}`, async () => i);
  await ctx.step(
    'commit',
    async () => {
      throw new TerminalError('The target table is locked');
    },
    { retry: { maxAttempts: 1 } },
  );
});

const stamped = defineWorkflow({ name: 'stamped' }, async (ctx) => {
  await ctx.step('work', async () => 'done');
  return ctx.now(); // a journaled value: listed, not drawn
});

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (found === null) throw new Error('not on the page');
  return found;
}

/** Whether `item` shows whole inside `container`. */
async function inside(item: Locator, container: Locator): Promise<boolean> {
  const [a, b] = [await box(item), await box(container)];
  return a.y >= b.y - 1 && a.y + a.height <= b.y + b.height + 1;
}

describe.skipIf(!HAVE_CHROMIUM)('the run timeline in Chromium', () => {
  beforeAll(async () => {
    h = await startDashboard('timeline', { workflows: [review, long, stamped] });
    ({ engine, server, page } = h);
    await engine.client.start(review, null, { id: 'review-1' });
    await engine.client.start(long, { rows: 60 }, { id: 'import-1' });
    await engine.client.start(stamped, null, { id: 'stamped-1' });
    await h.waitForStatus('import-1', 'failed');
    await h.waitForStatus('stamped-1', 'completed');
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('draws waits as bars, the open wait to now, and keeps the finished steps readable', async () => {
    await h.waitForStatus('review-1', 'waiting');
    await until(async () => (await engine.client.journal('review-1')).some((e) => e.kind === 'sleep'), 'the sleep to be journaled');
    await page.goto(`${server.url}/runs/review-1`);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    const track = timeline.locator('.timeline-row:not(.timeline-axis) .timeline-track').first();
    const open = timeline.getByRole('row', { name: 'Open wait' });
    await open.getByText('waiting for signal “approval”').waitFor();
    const trackWidth = (await box(track)).width;

    // The sleep: a bar as long as the wait (most of the run so far), not a sliver.
    const sleep = timeline.locator('.timeline-row', { hasText: 'sleep' }).locator('.timeline-bar');
    expect(await sleep.getAttribute('class')).toContain('bar-wait');
    expect((await box(sleep)).width).toBeGreaterThan(trackWidth * 0.08);
    // The two steps took milliseconds of a wait of seconds, and still get most of the track.
    const [first, second] = [
      await box(timeline.locator('.timeline-row', { hasText: 'check-stock' }).locator('.timeline-bar')),
      await box(timeline.locator('.timeline-row', { hasText: 'reserve' }).locator('.timeline-bar')),
    ];
    expect(second.x + second.width - first.x).toBeGreaterThan(trackWidth * 0.3);
    expect(Math.min(first.width, second.width)).toBeGreaterThan(2);
    // The open wait runs to the end of the track (now).
    const bar = open.locator('.timeline-bar.bar-open');
    const [o, t] = [await box(bar), await box(track)];
    expect(o.x + o.width).toBeGreaterThan(t.x + t.width - 2);
    expect(await timeline.locator('.timeline-break-label').count()).toBeGreaterThan(0); // the long wait drawn narrow, with its length

    // Answered: the signal's row is a bar from where the run got to it (the sleep's end) to the answer.
    await engine.client.signal('review-1', 'approval', { approved: true });
    await h.waitForStatus('review-1', 'completed');
    const signal = timeline.locator('.timeline-row', { hasText: 'approval' }).locator('.timeline-bar');
    await signal.waitFor();
    await open.waitFor({ state: 'detached' });
    expect(await signal.getAttribute('title')).toMatch(/^approval: waited \d/);
    const [s, sl] = [await box(signal), await box(sleep)];
    expect(Math.abs(s.x - (sl.x + sl.width))).toBeLessThan(3);
  });

  it('selects a drawn entry by default, not a journaled value only the full list shows', async () => {
    await page.goto(`${server.url}/runs/stamped-1`);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await timeline.locator('.timeline-row.selected', { hasText: 'work' }).waitFor();
    await page.locator('.graph-node.selected', { hasText: 'work' }).waitFor();
  });

  it('scrolls the selected entry into the timeline and graph boxes, by default and when picked', async () => {
    await page.goto(`${server.url}/runs/import-1`);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    const graph = page.getByRole('list', { name: 'Journal graph' });
    // The failed step is the last of 61: selected by default, and scrolled into both boxes.
    const failedRow = timeline.locator('.timeline-row.selected', { hasText: 'commit' });
    await failedRow.waitFor();
    await until(() => inside(failedRow, timeline), 'the failed row to be scrolled into the timeline');
    const failedNode = graph.locator('.graph-node.selected', { hasText: 'commit' });
    await until(() => inside(failedNode, graph), 'the failed node to be scrolled into the graph');
    expect((await box(timeline)).height).toBeLessThan(700); // the timeline scrolls in its own box

    // Picked in the graph: the timeline scrolls back to it.
    await graph.evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 0));
    await graph.locator('.graph-node', { hasText: 'row-0' }).first().getByRole('button').first().click();
    const first = timeline.locator('.timeline-row.selected', { hasText: 'row-0' });
    await first.waitFor();
    await until(() => inside(first, timeline), 'row-0 to be scrolled into the timeline');
  });
});
