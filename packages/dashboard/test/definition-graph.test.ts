/**
 * Definitions in the dashboard (Chromium against a real server on a SQLite file): a definition
 * deployed through the API is listed, drawn as a graph (tasks, groups for compound tasks, switch
 * cases with their conditions) beside its source, and a run of it by the interpreter (the engine
 * loads deployed definitions) is drawn on the same graph with each task's state from the journal:
 * a loop's iterations and a retried call counted, a failure caught, a case the switch passed over
 * left unrun, the approval waiting while the run waits, all completed once it ends.
 *
 * The calls go to a server on loopback (the definition's hosts aliased to it): the carrier fails
 * once and is retried, the label printer always fails and is caught.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWorkflow, silentLogger } from '@baton/core';
import { DefinitionLoader } from '@baton/dsl';
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
      call: http
      with: { method: post, endpoint: 'https://supplier.example/v1/orders' }
      then: end
  - pack:
      for: { each: item, in: .items }
      do:
        - packItem: { set: { packed: '\${ $item }' } }
  - book:
      try:
        - askCarrier:
            call: http
            with: { method: post, endpoint: 'https://carrier.example/v1/bookings' }
      catch:
        errors: { with: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication' } }
        retry: { delay: PT0S, limit: { attempt: { count: 3 } } }
  - label:
      try:
        - printLabel:
            call: http
            with: { method: post, endpoint: 'https://printer.example/v1/labels' }
      catch:
        errors: { with: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication' } }
        do:
          - handWrite: { set: { label: by hand } }
  - notify:
      fork:
        branches:
          - mail: { set: { mailed: true } }
          - text: { set: { texted: true } }
  - approve:
      call: baton.approval
      with:
        title: Ship the order?
        form: { type: object, properties: { ship: { type: boolean } }, required: [ship] }
  - ship: { set: { shipped: '\${ .ship }' } }
`;

const plain = defineWorkflow({ name: 'plain', version: '1' }, async (ctx) => ctx.step('/do/0/first', () => 1));

/** The hosts the definition calls: the carrier answers 503 to the first booking, the printer always 500. */
async function startPartners(): Promise<{ server: Server; url: string; bookings: () => number }> {
  let bookings = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/bookings' && ++bookings > 1) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ booked: true }));
        return;
      }
      res.writeHead(req.url === '/v1/bookings' ? 503 : 500, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, bookings: () => bookings };
}

let h: DashboardHarness;
let partners: Awaited<ReturnType<typeof startPartners>>;
let loader: DefinitionLoader | undefined;

async function deploy(source: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.server.url}/api/definitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/yaml' },
    body: source,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const task = (scope: Locator, id: string): Locator => scope.locator(`[data-task="${id}"]`);

/**
 * Takes a screenshot in a window tall enough for the whole flow (the graph grows with the window)
 * and the page around it, so that nothing scrolls under the page's sticky header.
 */
async function tallScreenshot(height: number, take: () => Promise<unknown>): Promise<void> {
  const { page } = h;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1360, height });
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  try {
    await take();
  } finally {
    if (size !== null) await page.setViewportSize(size);
  }
}

/** Whether `inner` lies within the part of `outer` that shows. */
async function shownWithin(inner: Locator, outer: Locator): Promise<boolean> {
  const [a, b] = [await inner.boundingBox(), await outer.boundingBox()];
  if (a === null || b === null) return false;
  return a.y >= b.y && a.y + a.height <= b.y + b.height && a.x >= b.x && a.x + a.width <= b.x + b.width;
}

describe.skipIf(!HAVE_CHROMIUM)('definitions drawn as graphs in the dashboard (Chromium)', () => {
  beforeAll(async () => {
    partners = await startPartners();
    const hostAliases = { 'carrier.example': partners.url, 'printer.example': partners.url };
    // As a worker loading definitions: a deploy through the server loads it at once.
    h = await startDashboard('definitions', { workflows: [plain] }, (engine) => {
      loader = new DefinitionLoader({ engine, interpreter: { hostAliases }, logger: silentLogger });
      return { definitions: { onDeployed: () => void loader?.refresh() } };
    });
    await loader?.start();
    expect(await deploy(FULFIL)).toMatchObject({ status: 201, body: { name: 'shop.fulfil', version: '1.0.0' } });
    await h.signIn(h.adminKey);
  }, 60_000);

  afterAll(async () => {
    loader?.stop();
    await h?.close();
    await new Promise((done) => partners?.server.close(done));
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
    for (const id of ['/do/0/checkStock', '/do/1/reorder', '/do/3/book/try/0/askCarrier', '/do/4/label/catch/do/0/handWrite', '/do/2/pack/do/0/packItem']) {
      expect(await task(graph, id).getAttribute('class')).toContain('definition-task');
    }
    for (const id of ['/do/2/pack', '/do/3/book', '/do/4/label', '/do/5/notify'])
      expect(await task(graph, id).getAttribute('class')).toContain('definition-group');
    expect(await task(graph, '/do/3/book/try/0/askCarrier').textContent()).toContain('call http POST …/v1/bookings');
    expect(await task(graph, '/do/6/approve').textContent()).toContain('baton.approval');
    // Switch cases with their conditions, the loop's way back, the retry, the fork's branches, the catch.
    const caseEdge = graph.locator('[data-edge="/do/0/checkStock -> /do/1/reorder"]');
    expect(await caseEdge.getAttribute('data-kind')).toBe('case');
    expect(await caseEdge.textContent()).toBe('.stock == 0');
    expect(await graph.locator('[data-edge="/do/0/checkStock -> /do/2/pack"]').textContent()).toBe('default');
    expect(await graph.locator('[data-edge="/do/2/pack -> /do/2/pack"]').getAttribute('data-kind')).toBe('loop');
    expect(await graph.locator('[data-edge="/do/3/book -> /do/3/book"]').getAttribute('data-kind')).toBe('retry');
    expect(await graph.locator('[data-kind="branch"]').count()).toBe(2);
    expect(await graph.locator('[data-edge="/do/4/label -> /do/4/label/catch/do/0/handWrite"]').getAttribute('data-kind')).toBe('catch');
    // Laid out: the edges have paths, the tasks do not overlap the first one.
    expect(await graph.locator('.definition-edge path').first().getAttribute('d')).toMatch(/^M [\d.]+ [\d.]+ L/);
    // Beside it, the source as deployed.
    expect(await page.locator('pre.definition-source').textContent()).toBe(FULFIL);
    // Not run: no states, no legend.
    expect(await graph.locator('[data-state]').count()).toBe(0);
    await tallScreenshot(1640, () => page.screenshot({ path: join(IMAGES, 'dashboard-definition.png'), fullPage: true }));
  });

  it('links a definition workflow from the workflows page to its definition page', async () => {
    const { page, server, engine } = h;
    await until(async () => engine.workflows.get('shop.fulfil', '1.0.0') !== undefined, 'the deployed definition to be loaded');
    await page.goto(`${server.url}/workflows`);
    const link = page.locator('tr[data-workflow="shop.fulfil"]').getByRole('link', { name: 'definition' });
    await link.click();
    await page.waitForURL(/\/definitions\/shop\.fulfil$/);
    await task(page.locator('figure.definition-graph'), '/do/6/approve').waitFor();
  });

  it('draws a run of the interpreter on the graph: iterations and retries counted, a caught failure, a skipped case, the approval waiting', async () => {
    const { page, server, engine } = h;
    const workflow = engine.workflows.get('shop.fulfil', '1.0.0');
    if (workflow === undefined) throw new Error('shop.fulfil@1.0.0 is not loaded');
    await engine.client.start(workflow, { stock: 4, items: ['mug', 'plate', 'bowl'] }, { id: 'fulfil-1' });
    await h.waitForStatus('fulfil-1', 'waiting');
    expect(partners.bookings()).toBe(2);
    await page.goto(`${server.url}/runs/fulfil-1`);
    const graph = page.locator('section.definition-run');
    const stateOf = (id: string) => task(graph, id).getAttribute('data-state');
    const runsOf = (id: string) => task(graph, id).getAttribute('data-runs');
    await task(graph, '/do/6/approve').waitFor();
    await until(async () => (await stateOf('/do/6/approve')) === 'waiting', 'the approval to show waiting');
    // The flow is taller than its box: the task the run waits at is scrolled into view.
    const box = graph.locator('.definition-graph-scroll');
    await until(() => shownWithin(task(graph, '/do/6/approve'), box), 'the waiting task to be scrolled into view');
    expect(await shownWithin(task(graph, '/do/0/checkStock'), box)).toBe(false);
    expect(await stateOf('/do/0/checkStock')).toBe('completed');
    // The switch went to pack: reorder never ran.
    expect(await stateOf('/do/1/reorder')).toBeNull();
    // Three times through the loop.
    expect(await stateOf('/do/2/pack')).toBe('completed');
    expect(await stateOf('/do/2/pack/do/0/packItem')).toBe('completed');
    expect(await runsOf('/do/2/pack/do/0/packItem')).toBe('3');
    expect(await task(graph, '/do/2/pack/do/0/packItem').textContent()).toContain('×3');
    // The carrier failed once: the call ran twice, the second time it succeeded.
    expect(await stateOf('/do/3/book/try/0/askCarrier')).toBe('completed');
    expect(await runsOf('/do/3/book/try/0/askCarrier')).toBe('2');
    expect(await stateOf('/do/3/book')).toBe('completed');
    // The printer failed and the catch wrote the label by hand: the try completed.
    expect(await stateOf('/do/4/label/try/0/printLabel')).toBe('failed');
    expect(await stateOf('/do/4/label/catch/do/0/handWrite')).toBe('completed');
    expect(await stateOf('/do/4/label')).toBe('completed');
    expect(await stateOf('/do/5/notify/fork/branches/0/mail')).toBe('completed');
    expect(await stateOf('/do/5/notify/fork/branches/1/text')).toBe('completed');
    expect(await stateOf('/do/5/notify')).toBe('completed');
    expect(await stateOf('/do/7/ship')).toBeNull();
    expect(await graph.locator('.definition-legend').textContent()).toContain('waiting');
    // The loop task's entries: one per iteration, named by its pointer and the iteration.
    await task(graph, '/do/2/pack/do/0/packItem').click();
    const entries = graph.locator('[data-task-entries="/do/2/pack/do/0/packItem"] tr');
    await until(async () => (await entries.count()) === 3, 'the loop task’s three entries');
    expect(await entries.nth(1).textContent()).toContain('/do/2/pack/do/0/packItem #2');
    // The retried call's: the failed attempt, then the second.
    await task(graph, '/do/3/book/try/0/askCarrier').click();
    const attempts = graph.locator('[data-task-entries="/do/3/book/try/0/askCarrier"] tr');
    await until(async () => (await attempts.count()) === 2, 'the retried call’s two entries');
    expect(await attempts.nth(0).textContent()).toContain('failed');
    expect(await attempts.nth(1).textContent()).toContain('/do/3/book/try/0/askCarrier #2');
    await task(graph, '/do/2/pack/do/0/packItem').click();
    await tallScreenshot(2400, () => graph.screenshot({ path: join(IMAGES, 'dashboard-definition-run.png') }));

    await engine.client.signal('fulfil-1', 'approval', { ship: true });
    await h.waitForStatus('fulfil-1', 'completed');
    await until(async () => (await stateOf('/do/7/ship')) === 'completed', 'the last task to show completed');
    expect(await stateOf('/do/6/approve')).toBe('completed');
    expect(await stateOf('/do/1/reorder')).toBeNull();
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
