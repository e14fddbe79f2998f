/**
 * How the dashboard words what it shows, in a real browser (Chromium against a real server on a
 * SQLite file): every time with its time zone, through the one formatter; a model call whose model
 * has no known price as "unknown", not $0, in the run and in the overview (through @baton/ai and
 * its scripted model server on loopback); counts with the right plural ("1 journal entry", "1 character").
 */
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, type Engine } from '@baton/core';
import type { ApiServer } from '@baton/server';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { describeConstraints, readValues } from '../src/schema-values.js';
import { CHROMIUM, HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

const triage = defineWorkflow({ name: 'triage-ticket' }, async (ctx, input: { text: string; models: string[] }) => {
  const answers: string[] = [];
  for (const [i, model] of input.models.entries()) answers.push((await ctx.llm({ name: `ask-${i}`, model, prompt: input.text })).text);
  return answers;
});

const oneStep = defineWorkflow({ name: 'one-step' }, async (ctx) => ctx.step('only', async () => 'done'));

let h: DashboardHarness;
let engine: Engine;
let server: ApiServer;
let page: Page;
let models: ScriptedModelServer;

describe.skipIf(!HAVE_CHROMIUM)('the words and numbers the dashboard shows, in Chromium', () => {
  beforeAll(async () => {
    models = await startScriptedModelServer();
    configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl }, retries: 1 });
    models.enqueue({ text: 'priced answer', usage: { input: 1000, output: 100 } });
    models.enqueue({ text: 'unpriced answer', usage: { input: 500, output: 50 } });
    models.enqueue({ text: 'another unpriced answer', usage: { input: 1, output: 1 } });
    h = await startDashboard('wording', { workflows: [triage, oneStep] });
    ({ engine, server, page } = h);
    await engine.client.start(triage, { text: 'refund?', models: ['openai:gpt-4o-mini', 'openai:in-house-model'] }, { id: 'mixed' });
    await h.waitForStatus('mixed', 'completed');
    await engine.client.start(triage, { text: 'refund?', models: ['openai:in-house-model'] }, { id: 'unpriced' });
    await engine.client.start(oneStep, null, { id: 'single' });
    await h.waitForStatus('unpriced', 'completed');
    await h.waitForStatus('single', 'completed');
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await models?.close();
  });

  it('shows every time with its time zone, in the browser’s zone', async () => {
    // A second browser whose zone is India's (UTC+05:30 all year), signed in with the same key.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const india = await (await browser.newContext({ timezoneId: 'Asia/Kolkata', locale: 'en-GB' })).newPage();
      await india.goto(`${server.url}/login`);
      await india.getByLabel('API key').fill(h.adminKey);
      await india.getByRole('button', { name: 'Sign in' }).click();
      await india.getByRole('heading', { name: 'Runs' }).waitFor();

      const run = (await engine.client.get('single'))!;
      const created = new Date(run.createdAt.getTime() + 330 * 60_000).toISOString();
      const expected = `${created.slice(0, 10)} ${created.slice(11, 19)} UTC+05:30`;
      const row = india.locator('tr[data-run-id="single"]');
      await row.waitFor();
      expect(await row.locator('td.created-cell').textContent()).toBe(expected);
      await india.getByText('Created after (UTC+05:30)').waitFor(); // the filters read local times

      await india.goto(`${server.url}/runs/single`);
      const facts = india.locator('.run-facts');
      await facts.locator('dt', { hasText: /^created$/ }).waitFor();
      expect(await facts.locator('dt:text-is("created") + dd').textContent()).toBe(expected);
      expect(await facts.locator('dt:text-is("ended") + dd').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+05:30$/);
      await india
        .locator('.step-details')
        .getByText(/UTC\+05:30/)
        .first()
        .waitFor(); // the selected entry's times

      await india.goto(`${server.url}/overview`);
      await india.getByText('1 h buckets, times in UTC+05:30').waitFor(); // the charts' time axis
    } finally {
      await browser.close();
    }
    await page.goto(`${server.url}/runs`);
    await page.locator('tr[data-run-id="single"]').waitFor();
    expect(await page.locator('tr[data-run-id="single"] td.created-cell').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('shows the cost of a call to a model with no known price as unknown, not $0', async () => {
    await page.goto(`${server.url}/runs/mixed`);
    const calls = page.getByRole('region', { name: 'Model calls' });
    // gpt-4o-mini: 1,000 in and 100 out cost $0.00021; the in-house model has no price.
    await calls.getByText('2 calls · 1,650 tokens · $0.00021 + unknown').waitFor();
    expect(await calls.locator('.model-call-cost').allTextContents()).toEqual(['$0.00021', 'unknown (no price known)']);
    expect(await page.locator('.run-facts dt:text-is("model calls") + dd').textContent()).toBe('2 calls · 1,650 tokens · $0.00021 + unknown');

    await page.goto(`${server.url}/runs/unpriced`);
    await page.getByRole('region', { name: 'Model calls' }).getByText('1 call · 2 tokens · unknown').waitFor();
    expect(await page.locator('.run-facts dt:text-is("model calls") + dd').textContent()).toBe('1 call · 2 tokens · unknown');
    expect(await page.getByText('$0', { exact: true }).count()).toBe(0);
  });

  it("shows the overview's cost of model calls with no known price as unknown, in every window", async () => {
    // The three calls of the two runs: one priced, two to the in-house model, which has no price.
    const response = await fetch(`${server.url}/api/stats/overview`, { headers: { authorization: `Bearer ${h.adminKey}` } });
    expect(response.status).toBe(200);
    const { llm } = (await response.json()) as { llm: { calls: number; unpricedCalls: number; costUsd: number } };
    expect(llm).toMatchObject({ calls: 3, unpricedCalls: 2 });
    expect(llm.costUsd).toBeCloseTo(0.00021, 10);
    // The last 24 hours in hourly buckets and the last hour in 5-minute ones.
    for (const window of ['24h', '1h']) {
      await page.goto(`${server.url}/overview?window=${window}`);
      const card = page.getByRole('region', { name: 'Model calls' });
      await card.locator('.overview-stat-value').first().waitFor();
      const cost = card.locator('.overview-stat', { has: page.locator('.overview-stat-label', { hasText: 'Cost' }) });
      await cost.locator('.overview-stat-value', { hasText: '$0.00021 + unknown' }).waitFor();
      expect(await cost.locator('.overview-stat-hint').textContent()).toBe('2 calls to models with no known price');
    }
  });

  it('words counts of one in the singular', async () => {
    await page.goto(`${server.url}/runs/single`);
    await page.getByText('All 1 journal entry', { exact: true }).waitFor();
    await page.goto(`${server.url}/runs?search=single`);
    await page.getByText('1 run on this page').waitFor();

    // The forms' checks and hints, in the browser's words.
    expect(describeConstraints({ type: 'string', minLength: 1 })).toEqual(['at least 1 character']);
    expect(describeConstraints({ type: 'string', minLength: 1, maxLength: 1 })).toEqual(['1 character']);
    const form = { type: 'object', properties: { code: { type: 'string', maxLength: 1 }, tags: { type: 'array', items: { type: 'string' }, maxItems: 1 } } };
    expect(readValues(form, { code: 'ab', tags: 'a, b' }).errors).toEqual({ code: 'At most 1 character.', tags: 'At most 1 item.' });
  });
});
