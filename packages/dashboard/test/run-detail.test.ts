/**
 * The run detail and the overview in a real browser (Chromium against a real server on a SQLite
 * file): a saga's compensations, a run's model calls (through @baton/ai and its scripted model
 * server on loopback), a queue's backlog, and a session that ends when its key is revoked (and not
 * when a call is refused for the key's role). One server and one browser serve every test. First,
 * without a browser: how the page links child entries to child runs and lists compensations.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalError, defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { ApiClient, type ApiJournalEntry, type ApiRun } from '@baton/server/client';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { childRunsOf, compensationsOf } from '../src/journal.js';
import { HAVE_CHROMIUM, IMAGES, startDashboard, until, type DashboardHarness } from './browser.js';

// ------------------------------------------------------------------ reading the journal (no browser)

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function runOf(id: string, fields: Partial<ApiRun> = {}): ApiRun {
  return {
    id,
    workflow: 'pack-parcel',
    version: '1',
    status: 'completed',
    input: null,
    queue: 'default',
    priority: 0,
    cancelRequested: false,
    compensating: false,
    claims: 1,
    namespace: 'default',
    tags: [],
    createdAt: at(0),
    updatedAt: at(0),
    endedAt: at(10),
    ...fields,
  };
}

function entryOf(seq: number, fields: Partial<ApiJournalEntry> = {}): ApiJournalEntry {
  return { seq, kind: 'child', name: 'pack-parcel', status: 'completed', attempts: 1, startedAt: at(seq), endedAt: at(seq), durationMs: 0, ...fields };
}

const linkedIds = (links: Map<number, ApiRun>): Record<number, string> => Object.fromEntries([...links].map(([seq, child]) => [seq, child.id]));

describe('the run page reading a journal', () => {
  const parent = runOf('order-1', { workflow: 'fulfil-order' });

  it('links a child entry to the child run recording its position, following a chain that continued as new', () => {
    const children = [
      runOf('order-1-2', { parentId: 'order-1', parentSeq: 2 }),
      runOf('box-a', { parentId: 'order-1', parentSeq: 6, createdAt: at(3) }), // an id the workflow gave
      runOf('parcel-x', { parentId: 'order-1', parentSeq: 4, status: 'failed' }),
      runOf('box-c', { parentId: 'order-1', parentSeq: 8, status: 'running', endedAt: undefined }),
      runOf('order-1-3', { parentId: 'order-1', parentSeq: 3, continuedTo: 'next-1', endedAt: at(4) }),
      runOf('next-1', { parentId: 'order-1', parentSeq: 3, continuedFrom: 'order-1-3', continuedTo: 'next-2', createdAt: at(4) }),
      runOf('next-2', { parentId: 'order-1', parentSeq: 3, continuedFrom: 'next-1', createdAt: at(8), endedAt: at(12) }),
      runOf('stranger', { parentId: 'order-2', parentSeq: 5 }),
    ];
    expect(linkedIds(childRunsOf(parent, children))).toEqual({ 2: 'order-1-2', 3: 'next-2', 4: 'parcel-x', 6: 'box-a', 8: 'box-c' });
  });

  it('lists compensations in the order they ran, each with the step it undid', () => {
    const journal = [
      entryOf(1, { kind: 'step', name: 'book-flight' }),
      entryOf(2, { kind: 'step', name: 'book-hotel' }),
      entryOf(3, { kind: 'step', name: 'charge', status: 'failed' }),
      entryOf(5, { kind: 'compensation', name: 'compensate:book-flight', compensates: 1 }),
      entryOf(4, { kind: 'compensation', name: 'compensate:book-hotel', compensates: 2, status: 'failed' }),
    ];
    expect(compensationsOf(journal).map((c) => [c.entry.seq, c.step?.name, c.entry.status])).toEqual([
      [4, 'book-hotel', 'failed'],
      [5, 'book-flight', 'completed'],
    ]);
  });
});

// ------------------------------------------------------------------ the workflows the runs come from

/** How many times each booking's undo was called, by run: the hotel's first undo fails once. */
const undoCalls = new Map<string, number>();
/** A trip started with `holdCarUndo` undoes its car only once this is called. */
let releaseCarUndo: () => void = () => undefined;
const carUndoReleased = new Promise<void>((resolve) => (releaseCarUndo = resolve));

const bookTrip = defineWorkflow({ name: 'book-trip' }, async (ctx, input: { traveller: string; carUndoFails?: boolean; holdCarUndo?: boolean }) => {
  const undo = (what: string) => async (_result: unknown, info: { runId: string; attempt: number }) => {
    if (what === 'car' && input.holdCarUndo === true) await carUndoReleased;
    const key = `${info.runId}:${what}`;
    undoCalls.set(key, (undoCalls.get(key) ?? 0) + 1);
    if (what === 'hotel' && info.attempt === 1) throw new Error('hotel API busy');
    if (what === 'car' && input.carUndoFails === true) throw new TerminalError('The car rental has no cancellation API: call them');
  };
  await ctx.step('book-flight', async () => ({ flight: `FL-${input.traveller}` }), { compensate: undo('flight') });
  await ctx.step('book-hotel', async () => ({ hotel: 'H-77' }), { compensate: undo('hotel'), compensateRetry: { maxAttempts: 3, initialInterval: 10 } });
  await ctx.step('reserve-car', async () => ({ car: 'C-9' }), { compensate: undo('car'), compensateRetry: { maxAttempts: 1 } });
  await ctx.step(
    'charge-card',
    async () => {
      throw new TerminalError('The card was declined');
    },
    { retry: { maxAttempts: 1 } },
  );
});

const summarize = defineWorkflow({ name: 'summarize-ticket' }, async (ctx, input: { text: string }) => {
  const answer = await ctx.llm({ name: 'summarize', model: 'openai:gpt-4o-mini', system: 'You summarise support tickets in one line.', prompt: input.text });
  return { summary: answer.text };
});

/** On a queue no worker of this engine serves: its runs stay queued. */
const report = defineWorkflow({ name: 'nightly-report', queue: 'reports' }, async (ctx) => ctx.step('render', async () => ({ pages: 3 })));

// ------------------------------------------------------------------ the server, the browser

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let models: ScriptedModelServer;
let page: Page;
let adminKey: string;
let admin: ApiClient;
const waitForStatus = (id: string, status: string) => h.waitForStatus(id, status);
const signIn = (key: string) => h.signIn(key);
const makeKey = (name: string, role: 'viewer' | 'operator' | 'admin') => h.makeKey(name, role);

/** The page's globals these tests read (the tests' types know no DOM). */
interface Tab {
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  scrollTo(x: number, y: number): void;
}

/** The key the tab keeps (null once signed out). */
const storedKey = (): Promise<string | null> => page.evaluate(() => (globalThis as unknown as Tab).sessionStorage.getItem('baton.apiKey'));

describe.skipIf(!HAVE_CHROMIUM)('the run detail and the overview in Chromium', () => {
  beforeAll(async () => {
    models = await startScriptedModelServer();
    configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl }, defaultModel: 'openai:gpt-4o-mini', retries: 1 });
    models.enqueue({ text: 'Charged twice for one order; wants a refund.', usage: { input: 1200, output: 80 } });
    h = await startDashboard('run', { workflows: [bookTrip, summarize, report], queues: ['default'] });
    ({ engine, server, page, adminKey } = h);
    admin = new ApiClient({ url: server.url, key: adminKey });

    await engine.client.start(bookTrip, { traveller: 'ada' }, { id: 'trip-ada' });
    await engine.client.start(bookTrip, { traveller: 'bob', carUndoFails: true }, { id: 'trip-bob' });
    await engine.client.start(summarize, { text: 'I was charged twice for order 1001 and want my money back.' }, { id: 'ticket-1001' });
    for (const n of [1, 2, 3]) await engine.client.start(report, {}, { id: `report-${n}` });
    await waitForStatus('trip-ada', 'failed');
    await waitForStatus('trip-bob', 'failed');
    await waitForStatus('ticket-1001', 'completed');
    await signIn(adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await models?.close();
  });

  it("lists a failed saga's compensations, latest step first, and draws them in the graph and the timeline", async () => {
    await page.goto(`${server.url}/runs/trip-ada`);
    await page.locator('.run-head .status').filter({ hasText: 'failed' }).waitFor();
    await page.locator('.run-head').getByText('compensated').waitFor();
    const section = page.getByRole('region', { name: 'Compensations' });
    await section.getByText('3 steps undone, latest first').waitFor();
    const rows = section.locator('tr.compensation-row');
    expect(await rows.count()).toBe(3);
    // Reverse order: the car (#3), the hotel (#2), the flight (#1); each a compensation after the failed charge (#4).
    const undone = await rows.locator('td:nth-child(1)').allTextContents();
    expect(undone).toEqual(['#3 reserve-car', '#2 book-hotel', '#1 book-flight']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual([
      '#5 compensate:reserve-car',
      '#6 compensate:book-hotel',
      '#7 compensate:book-flight',
    ]);
    expect(await rows.locator('[data-status]').allTextContents()).toEqual(['completed', 'completed', 'completed']);
    expect(await rows.locator('td:nth-child(4)').allTextContents()).toEqual(['1', '2', '1']); // the hotel's undo was retried
    expect(undoCalls.get('trip-ada:hotel')).toBe(2);

    // The graph: the compensations under their own cap, each pointing back at its step; the steps say what undid them.
    const graph = page.getByRole('list', { name: 'Journal graph' });
    await graph.locator('.cap-compensating').waitFor();
    expect(await graph.locator('.kind-compensation .graph-node-undo').allTextContents()).toEqual([
      '↩ undoes #3 reserve-car',
      '↩ undoes #2 book-hotel',
      '↩ undoes #1 book-flight',
    ]);
    await graph.locator('.graph-node[data-seq="2"]').getByText('↩ undone by #6').waitFor();
    expect(await graph.locator('.graph-node[data-seq="4"] .graph-node-undo').count()).toBe(0); // the failed charge did nothing to undo
    // The timeline: compensation bars in their own colour, with the step each undoes; undone steps hatched.
    const timeline = page.getByRole('table', { name: 'Timeline' });
    expect(await timeline.locator('.bar-compensation').count()).toBe(3);
    expect(await timeline.locator('.timeline-note').allTextContents()).toEqual(['undoes #3', 'undoes #2', 'undoes #1']);
    expect(await timeline.locator('.bar-undone').count()).toBe(3);

    await page.screenshot({ path: join(IMAGES, 'dashboard-compensations.png'), fullPage: true });
    // Picking the undone step in the list shows it in the journal.
    await section.getByRole('button', { name: '#2 book-hotel' }).click();
    await page
      .locator('.step-details')
      .getByRole('heading', { name: /book-hotel/ })
      .waitFor();

    // A compensation that failed for good: its error, and a call to repair by hand.
    await page.goto(`${server.url}/runs/trip-bob`);
    const bob = page.getByRole('region', { name: 'Compensations' });
    await bob.getByText('1 undo failed: repair by hand').waitFor();
    await bob.getByText('The car rental has no cancellation API: call them').waitFor();
    expect(await bob.locator('tr.compensation-row [data-status]').allTextContents()).toEqual(['failed', 'completed', 'completed']);
    // A run that never compensated has no such section.
    await page.goto(`${server.url}/runs/ticket-1001`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.getByRole('region', { name: 'Compensations' }).count()).toBe(0);
  });

  it('shows the steps still to undo while a run compensates, and each one as it is undone', async () => {
    await engine.client.start(bookTrip, { traveller: 'cy', holdCarUndo: true }, { id: 'trip-cy' });
    await until(async () => (await engine.client.get('trip-cy'))?.compensationPlan !== undefined, 'trip-cy to begin compensating');
    await page.goto(`${server.url}/runs/trip-cy`);
    const section = page.getByRole('region', { name: 'Compensations' });
    await section.getByText('undoing completed steps, latest first: 3 steps to go').waitFor();
    const rows = section.locator('tr.compensation-row');
    expect(await rows.locator('td:nth-child(1)').allTextContents()).toEqual(['#3 reserve-car', '#2 book-hotel', '#1 book-flight']);
    // Undone one at a time: the car's undo is under way, the others wait their turn.
    expect(await rows.locator('[data-status]').allTextContents()).toEqual(['running', 'pending', 'pending']);

    releaseCarUndo();
    await section.getByText('3 steps undone, latest first').waitFor();
    expect(await rows.locator('[data-status]').allTextContents()).toEqual(['completed', 'completed', 'completed']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual([
      '#5 compensate:reserve-car',
      '#6 compensate:book-hotel',
      '#7 compensate:book-flight',
    ]);
  });

  it("shows a run's model calls with model, tokens, cost, prompt and response; the overview counts their cost", async () => {
    await page.goto(`${server.url}/runs/ticket-1001`);
    const calls = page.getByRole('region', { name: 'Model calls' });
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens: 1,200 in and 80 out cost $0.000228.
    await calls.getByText('1 call · 1,280 tokens · $0.00023').waitFor();
    const call = calls.locator('details.model-call');
    expect(await call.locator('.model-call-step').textContent()).toMatch(/^#\d+ llm:summarize$/);
    expect(await call.locator('.model-call-model').textContent()).toBe('openai:gpt-4o-mini');
    expect(await call.locator('.model-call-tokens').textContent()).toBe('1,200 in · 80 out tokens');
    expect(await call.locator('.model-call-cost').textContent()).toBe('$0.00023');
    await call.locator('summary').click();
    await call.locator('.llm-message[data-role="system"]').getByText('You summarise support tickets in one line.').waitFor();
    await call.locator('.llm-message[data-role="user"]').getByText('I was charged twice for order 1001 and want my money back.').waitFor();
    await call.getByText('Charged twice for one order; wants a refund.').waitFor();
    await page.evaluate(() => (globalThis as unknown as Tab).scrollTo(0, 0)); // the full-page picture from the top
    await page.screenshot({ path: join(IMAGES, 'dashboard-model-calls.png'), fullPage: true });

    await page.goto(`${server.url}/overview`);
    const tile = page.getByRole('region', { name: 'Model calls' });
    const stat = (label: string) => tile.locator('.overview-stat', { hasText: label }).locator('.overview-stat-value');
    await stat('Calls').filter({ hasText: /^1$/ }).waitFor();
    expect(await stat('Cost').textContent()).toBe('$0.00023');
    expect(await stat('Input tokens').textContent()).toBe('1,200');
    expect(await stat('Output tokens').textContent()).toBe('80');
  });

  it("charts a queue's backlog on the overview", async () => {
    await page.goto(`${server.url}/overview`);
    const queues = page.getByRole('region', { name: 'Queues' });
    await queues.getByText('3 queued').waitFor();
    await queues.locator('svg.recharts-surface').first().waitFor();
    await queues.locator('svg.recharts-surface').getByText('reports', { exact: true }).waitFor(); // the queue's bars
    await queues.locator('.recharts-bar-rectangle path').first().waitFor();
    await queues.getByText(/^Oldest queued: /).waitFor();
    expect((await engine.client.get('report-1'))?.status).toBe('queued');
  });

  it('signs out when the signed-in key is revoked, and not when a call needs a higher role', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const olga = await makeKey('olga', 'operator');
    await signIn(olga.token);
    // A call the key's role does not allow (403) is refused in place; the session goes on. (The page
    // is told the key is an admin's, so that it offers the admin's button.)
    await admin.schedule.create({ id: 'weekly-report', workflow: 'nightly-report', cron: '0 6 * * 1', paused: true });
    await page.evaluate(() => {
      const storage = (globalThis as unknown as Tab).sessionStorage;
      const identity = JSON.parse(storage.getItem('baton.identity')!) as { role: string };
      storage.setItem('baton.identity', JSON.stringify({ ...identity, role: 'admin' }));
    });
    await page.goto(`${server.url}/schedules`);
    await page.locator('tr[data-schedule-id="weekly-report"]').getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByText('BATON_FORBIDDEN').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    expect(page.url()).toBe(`${server.url}/schedules`);
    expect(await storedKey()).toBe(olga.token);

    // Revoked: the next action lands on the login page, which says why; the key is gone from the tab.
    await page.goto(`${server.url}/runs/trip-ada`);
    await page.locator('.run-head .status').filter({ hasText: 'failed' }).waitFor();
    await admin.keys.revoke(olga.id);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.waitForURL(/\/login\?next=%2Foverview$/);
    await page.getByRole('status').getByText('The server no longer accepts your API key').waitFor();
    expect(await storedKey()).toBeNull();

    // Revoked while a page is open: a refresh lands there too, and signing in again goes back to the page.
    const oscar = await makeKey('oscar', 'operator');
    await page.getByLabel('API key').fill(oscar.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'no longer accepts' }).count()).toBe(0);
    await page.goto(`${server.url}/runs/ticket-1001`);
    await page.getByRole('region', { name: 'Model calls' }).waitFor();
    await admin.keys.revoke(oscar.id);
    await page.reload();
    await page.waitForURL(/\/login\?next=%2Fruns%2Fticket-1001$/);
    await page.getByRole('status').getByText('The server no longer accepts your API key').waitFor();
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/runs/ticket-1001`);
    await page.getByRole('region', { name: 'Model calls' }).waitFor();
  });
});
