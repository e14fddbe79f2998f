/**
 * The New workflow page in Chromium, against a real server whose engine runs the planner workflow on
 * a SQLite file, the model being the scripted model server on loopback (OpenAI's wire protocol). An
 * admin describes a process and watches it plan: round 1's problems (line and column) show while
 * round 2 is still being asked, then the valid definition as YAML and as a graph; a hand edit that
 * breaks it shows its problem, undoing it draws it again; a simulation on the input prefilled from
 * the input schema shows the path; asking for a change plans a revision and shows the diff; deploy
 * lands on the deployed definition's page. A viewer cannot plan nor deploy, and is told why.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@baton/core';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply } from '@baton/ai/testing';
import { DefinitionLoader, catalogFromStore, plannerWorkflow } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { HAVE_CHROMIUM, IMAGES, startDashboard, until, type DashboardHarness } from './browser.js';

const definition = (version: string, extra = '') => `document:
  dsl: '1.0.0'
  namespace: acme
  name: invoices
  version: '${version}'
  summary: Checks and pays invoices
input:
  schema:
    format: json
    document:
      type: object
      properties:
        amount: { type: number, minimum: 20000 }
      required: [amount]
do:
  - route:
      switch:
        - large: { when: '.amount > 10000', then: review }
        - small: { then: pay }
  - review:
      set: { reviewed: true, amount: '\${ .amount }' }
      then: end
  - pay:
      set: { paid: true }
${extra}`;

/** Round 1's answer: the switch sends large invoices to a task that does not exist (line 18). */
const INVALID = '```yaml\n' + definition('1.0.0').replace('then: review', 'then: approve') + '```\n';
const VALID = '```yaml\n' + definition('1.0.0') + '```\n';
const REVISED = '```yaml\n' + definition('1.1.0', '  - notify:\n      set: { notified: true }\n') + '```\n';

const text = (value: string): ScriptedReply => ({ text: value, usage: { input: 1500, output: 400 } });

let h: DashboardHarness;
let models: ScriptedModelServer;
let loader: DefinitionLoader | undefined;

describe.skipIf(!HAVE_CHROMIUM)('the New workflow page (Chromium)', () => {
  beforeAll(async () => {
    models = await startScriptedModelServer();
    configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl }, defaultModel: 'openai:gpt-4o-mini', retries: 1 });
    const planner = plannerWorkflow({ catalog: () => catalogFromStore(h.store, { workflows: h.engine.workflows }) });
    h = await startDashboard('new-workflow', { workflows: [planner] }, (engine) => {
      loader = new DefinitionLoader({ engine, logger: silentLogger });
      return { simulationStore: () => new SqliteStore({ path: ':memory:' }), definitions: { onDeployed: () => void loader?.refresh() } };
    });
    await loader?.start();
  }, 60_000);

  afterAll(async () => {
    loader?.stop();
    await h?.close();
    await models?.close();
  });

  it('plans, shows the rounds, the YAML and the graph, simulates, revises with a diff and deploys', async () => {
    const { page, server } = h;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    models.enqueue(text(INVALID));
    models.respondWith(async () => {
      await released;
      return text(VALID);
    });
    await h.signIn(h.adminKey);
    await page.goto(`${server.url}/definitions`);
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.waitForURL(/\/definitions\/new$/);
    await page.getByLabel('Description').fill('Check each invoice; large ones are reviewed, the others paid.');
    await page.getByRole('button', { name: 'Plan', exact: true }).click();

    // Round 1 is shown with its problem in place while round 2 waits for the model.
    const round1 = page.locator('li.plan-round[data-round="1"]');
    await round1.waitFor({ timeout: 30_000 });
    expect(await round1.getAttribute('class')).toContain('invalid');
    const problem = await round1.locator('.definition-issues li').first().textContent();
    expect(problem).toMatch(/line 18, column \d+/);
    expect(problem).toContain('/do/0/route/switch/0/large/then');
    expect(await round1.textContent()).toContain('gpt-4o-mini');
    expect(await round1.textContent()).toMatch(/1,900 tokens/);
    expect(await page.locator('li.plan-round.pending').textContent()).toMatch(/Round 2 of 3/);
    release();

    const round2 = page.locator('li.plan-round[data-round="2"]');
    await round2.waitFor({ timeout: 30_000 });
    expect(await round2.getAttribute('class')).toContain('valid');
    await page.locator('[data-plan-total]').waitFor();

    // The definition as YAML (editable) and as a graph.
    const editor = page.getByLabel('Definition (YAML)');
    await until(async () => (await editor.inputValue()) === definition('1.0.0'), 'the planned definition in the editor', 15_000);
    const graph = page.locator('figure.definition-graph');
    await graph.locator('[data-task="/do/0/route"]').waitFor({ timeout: 15_000 });
    expect(await graph.locator('[data-edge="/do/0/route -> /do/1/review"]').textContent()).toBe('.amount > 10000');

    // A hand edit that breaks it shows its problem; undoing it draws it again.
    await editor.fill(definition('1.0.0').replace('then: pay', 'then: nowhere'));
    const problems = page.getByLabel('Problems of the definition');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/line 19, column \d+.*\/do\/0\/route\/switch\/1\/small\/then/);
    expect(await page.getByRole('button', { name: 'Deploy' }).isDisabled()).toBe(true);
    await editor.fill(definition('1.0.0'));
    await problems.waitFor({ state: 'detached' });
    await graph.locator('[data-task="/do/2/pay"]').waitFor();

    // A simulation on the input prefilled from the input schema: the large branch, then review.
    const simulation = page.getByRole('region', { name: 'Simulation' });
    const input = simulation.getByLabel('Input (JSON)');
    await until(async () => JSON.parse(await input.inputValue()).amount === 20000, 'the input prefilled from the schema');
    await simulation.getByRole('button', { name: 'Simulate' }).click();
    const path = simulation.getByRole('table', { name: 'Path' });
    await path.waitFor({ timeout: 30_000 });
    expect(await simulation.locator('[data-simulation-status]').getAttribute('data-simulation-status')).toBe('completed');
    const rows = path.locator('tbody tr');
    await until(async () => (await rows.count()) >= 2, 'the path');
    expect(await rows.nth(0).getAttribute('data-task')).toBe('/do/0/route');
    expect(await rows.nth(0).textContent()).toContain('case large');
    expect(await rows.nth(1).getAttribute('data-task')).toBe('/do/1/review');
    expect(await simulation.getByLabel('Simulated output').textContent()).toContain('"reviewed": true');
    // In a window as tall as the page, so that nothing scrolls under the sticky header.
    await page.setViewportSize({ width: 1360, height: 1960 });
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(IMAGES, 'dashboard-new-workflow.png') });
    await page.setViewportSize({ width: 1360, height: 860 });

    // Asking for a change plans a revision of the text as it stands and shows the diff.
    models.reset();
    models.respondWith(undefined);
    models.enqueue(text(REVISED));
    await page.getByLabel('Changes to make').fill('Also notify the supplier.');
    await page.getByRole('button', { name: 'Ask for changes' }).click();
    const diff = page.getByLabel('Changes', { exact: true });
    await diff.waitFor({ timeout: 30_000 });
    expect(await diff.locator('.diff-added').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^\+\s+- notify:/)]));
    expect(await diff.locator('.diff-removed').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^-\s+version: '1\.0\.0'/)]));
    await until(async () => (await editor.inputValue()) === definition('1.1.0', '  - notify:\n      set: { notified: true }\n'), 'the revision in the editor');
    // The revision was asked of the text as it stood.
    expect(models.modelCalls[0]!.messages.some((m) => m.content.includes("version: '1.0.0'") && m.content.includes('Also notify the supplier.'))).toBe(true);

    // Deploy, and land on the deployed definition's page.
    await graph.locator('[data-task="/do/3/notify"]').waitFor();
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.waitForURL(/\/definitions\/acme\.invoices\/versions\/1\.1\.0$/, { timeout: 15_000 });
    await page.getByRole('heading', { name: /acme\.invoices/ }).waitFor();
    expect((await h.store.getDefinition('acme.invoices', '1.1.0'))?.source).toBe(definition('1.1.0', '  - notify:\n      set: { notified: true }\n'));
  });

  it('lets a viewer neither plan nor deploy, and says why', async () => {
    const { page, server } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(h.viewerKey);
    await page.goto(`${server.url}/definitions/new`);
    await page.getByRole('heading', { name: 'New workflow' }).waitFor();
    expect(await page.getByRole('note').first().textContent()).toContain('Planning needs an operator or admin key');
    expect(await page.getByRole('button', { name: 'Plan', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Write it by hand instead' }).click();
    await page.locator('figure.definition-graph').waitFor();
    expect(await page.getByRole('button', { name: 'Ask for changes' }).count()).toBe(0);
    const deploy = page.getByRole('button', { name: 'Deploy' });
    expect(await deploy.isDisabled()).toBe(true);
    expect(await page.getByRole('region', { name: 'Deploy' }).textContent()).toContain('Deploying needs an admin key');
    // The server refuses a viewer's plan too (the page only hides what the role may not do).
    const refused = await fetch(`${server.url}/api/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.viewerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Anything.' }),
    });
    expect(refused.status).toBe(403);
  });
});
