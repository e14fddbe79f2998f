/**
 * Definitions in the dashboard (Chromium against a real server on a SQLite file): a definition
 * deployed through the API is listed, drawn as a graph (tasks, groups for compound tasks, switch
 * cases with their conditions) beside its source, and a run of it is drawn on the same graph with
 * each task's state from the journal — waiting while the run waits, completed once it ends.
 *
 * The run is of a workflow registered under the definition's name and version whose steps are named
 * the way the interpreter names its journal entries (the task's JSON pointer, ` #n` for a repeat):
 * it pins down that naming contract, which is what the dashboard reads.
 */
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow } from '@baton/core';
import { HAVE_CHROMIUM, IMAGES, startDashboard, until, type DashboardHarness } from './browser.js';

const FULFIL = `document:
  dsl: '1.0.0'
  namespace: shop
  name: fulfil
  version: '1.0.0'
  summary: Fulfils an order
do:
  - checkStock:
      switch:
        - empty: { when: '.stock == 0', then: reorder }
        - enough: { then: pack }
  - reorder:
      try:
        - askSupplier:
            call: http
            with: { method: post, endpoint: 'https://supplier.example/v1/orders' }
      catch:
        errors: { with: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication' } }
        do:
          - giveUp: { raise: { error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500 } } }
      then: end
  - pack:
      for: { each: item, in: .items }
      do:
        - packItem: { set: { packed: true } }
  - notify:
      fork:
        branches:
          - mail: { emit: { event: { with: { type: com.shop.mailed, source: shop } } } }
          - remind: { wait: PT5M }
`;

const APPROVE = `document:
  dsl: '1.0.0'
  namespace: shop
  name: approve
  version: '2.0.0'
do:
  - first: { set: { a: 1 } }
  - loop:
      for: { each: i, in: '\${ [1, 2] }' }
      do:
        - step: { set: { b: 2 } }
  - approval: { listen: { to: { one: { with: { type: com.shop.approved } } } } }
  - last: { set: { c: 3 } }
`;

/** Journals what a run of APPROVE journals: each task's entry named by its JSON pointer. */
const approve = defineWorkflow({ name: 'shop.approve', version: '2.0.0' }, async (ctx) => {
  await ctx.step('/do/0/first', () => ({ a: 1 }));
  await ctx.step('/do/1/loop/do/0/step', () => ({ b: 2 }));
  await ctx.step('/do/1/loop/do/0/step #2', () => ({ b: 2 }));
  const event = await ctx.waitForSignal('approved');
  await ctx.step('/do/2/approval', () => event);
  return ctx.step('/do/3/last', () => ({ c: 3 }));
});

const plain = defineWorkflow({ name: 'plain', version: '1' }, async (ctx) => ctx.step('/do/0/first', () => 1));

let h: DashboardHarness;

async function deploy(source: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.server.url}/api/definitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/yaml' },
    body: source,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const task = (scope: Locator, id: string): Locator => scope.locator(`[data-task="${id}"]`);

describe.skipIf(!HAVE_CHROMIUM)('definitions drawn as graphs in the dashboard (Chromium)', () => {
  beforeAll(async () => {
    h = await startDashboard('definitions', { workflows: [approve, plain] });
    expect(await deploy(FULFIL)).toMatchObject({ status: 201, body: { name: 'shop.fulfil', version: '1.0.0' } });
    expect(await deploy(APPROVE)).toMatchObject({ status: 201, body: { name: 'shop.approve', version: '2.0.0' } });
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists the deployed definitions and draws one as a graph beside its source, before any run', async () => {
    const { page, server } = h;
    await page.goto(`${server.url}/definitions`);
    const row = page.locator('tr[data-definition="shop.fulfil"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Fulfils an order');
    await row.getByRole('link', { name: 'shop.fulfil' }).click();
    await page.waitForURL(/\/definitions\/shop\.fulfil$/);

    const graph = page.locator('figure.definition-graph');
    await task(graph, '/do/0/checkStock').waitFor();
    // Every task, the compound ones as groups around their children.
    for (const id of ['/do/0/checkStock', '/do/1/reorder/try/0/askSupplier', '/do/1/reorder/catch/do/0/giveUp', '/do/2/pack/do/0/packItem']) {
      expect(await task(graph, id).getAttribute('class')).toContain('definition-task');
    }
    for (const id of ['/do/1/reorder', '/do/2/pack', '/do/3/notify']) expect(await task(graph, id).getAttribute('class')).toContain('definition-group');
    expect(await task(graph, '/do/1/reorder/try/0/askSupplier').textContent()).toContain('call http POST …/v1/orders');
    expect(await task(graph, '/do/3/notify/fork/branches/1/remind').textContent()).toContain('wait PT5M');
    // Switch cases with their conditions, the loop's way back, the fork's branches, the catch.
    const caseEdge = graph.locator('[data-edge="/do/0/checkStock -> /do/1/reorder"]');
    expect(await caseEdge.getAttribute('data-kind')).toBe('case');
    expect(await caseEdge.textContent()).toBe('.stock == 0');
    expect(await graph.locator('[data-edge="/do/0/checkStock -> /do/2/pack"]').textContent()).toBe('default');
    expect(await graph.locator('[data-edge="/do/2/pack -> /do/2/pack"]').getAttribute('data-kind')).toBe('loop');
    expect(await graph.locator('[data-kind="branch"]').count()).toBe(2);
    expect(await graph.locator('[data-edge="/do/1/reorder -> /do/1/reorder/catch/do/0/giveUp"]').getAttribute('data-kind')).toBe('catch');
    // Laid out: the edges have paths, the tasks do not overlap the first one.
    expect(await graph.locator('.definition-edge path').first().getAttribute('d')).toMatch(/^M [\d.]+ [\d.]+ L/);
    // Beside it, the source as deployed.
    expect(await page.locator('pre.definition-source').textContent()).toBe(FULFIL);
    // Not run: no states, no legend.
    expect(await graph.locator('[data-state]').count()).toBe(0);
    await page.screenshot({ path: join(IMAGES, 'dashboard-definition.png'), fullPage: true });
  });

  it('links a definition workflow from the workflows page to its definition page', async () => {
    const { page, server } = h;
    await page.goto(`${server.url}/workflows`);
    const link = page.locator('tr[data-workflow="shop.approve"]').getByRole('link', { name: 'definition' });
    await link.click();
    await page.waitForURL(/\/definitions\/shop\.approve$/);
    await task(page.locator('figure.definition-graph'), '/do/2/approval').waitFor();
  });

  it('draws a run on the same graph with each task’s state: waiting while it waits, completed once it ends', async () => {
    const { page, server, engine } = h;
    await engine.client.start(approve, undefined, { id: 'approve-1' });
    await h.waitForStatus('approve-1', 'waiting');
    await page.goto(`${server.url}/runs/approve-1`);
    const graph = page.locator('section.definition-run');
    const stateOf = (id: string) => task(graph, id).getAttribute('data-state');
    await task(graph, '/do/2/approval').waitFor();
    await until(async () => (await stateOf('/do/2/approval')) === 'waiting', 'the listen task to show waiting');
    expect(await stateOf('/do/0/first')).toBe('completed');
    expect(await stateOf('/do/1/loop/do/0/step')).toBe('completed');
    expect(await stateOf('/do/1/loop')).toBe('completed');
    expect(await stateOf('/do/3/last')).toBeNull();
    expect(await graph.locator('.definition-legend').textContent()).toContain('waiting');
    // Twice through the loop: both entries of its task.
    await task(graph, '/do/1/loop/do/0/step').click();
    const entries = graph.locator('[data-task-entries="/do/1/loop/do/0/step"] tr');
    await until(async () => (await entries.count()) === 2, 'the loop task’s two entries');
    expect(await entries.nth(1).textContent()).toContain('/do/1/loop/do/0/step #2');
    await graph.screenshot({ path: join(IMAGES, 'dashboard-definition-run.png') });

    await engine.client.signal('approve-1', 'approved', { ok: true });
    await h.waitForStatus('approve-1', 'completed');
    await until(async () => (await stateOf('/do/3/last')) === 'completed', 'the last task to show completed');
    expect(await stateOf('/do/2/approval')).toBe('completed');
  });

  it('draws nothing of a definition on the run page of a run that is not of one', async () => {
    const { page, server, engine } = h;
    await engine.client.start(plain, undefined, { id: 'plain-1' });
    await h.waitForStatus('plain-1', 'completed');
    const graphAnswer = page.waitForResponse((res) => res.url().endsWith('/api/definitions/plain/versions/1/graph'));
    await page.goto(`${server.url}/runs/plain-1`);
    expect((await graphAnswer).status()).toBe(404);
    await page.getByRole('heading', { name: 'Journal' }).waitFor();
    expect(await page.locator('section.definition-run').count()).toBe(0);
    expect(await page.locator('.state-error').count()).toBe(0);
  });
});
