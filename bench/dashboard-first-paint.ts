/**
 * How fast the dashboard's runs page paints: a real server (an engine on a fresh SQLite file, with
 * `--runs` completed runs, default 200) serving the built dashboard (`npm run build` first), and
 * Debian Chromium through playwright-core loading /runs signed in, each load in a new browser
 * context (a cold cache). Per load it reads the first contentful paint (the Paint Timing API), the
 * time until the runs table is on the page, and the bytes transferred (the navigation and every
 * resource). It prints the median of `--loads` loads (default 9), with the min and max.
 *
 * `--dist DIR` serves another build (to compare two builds back to back on a busy machine);
 * `--mbit N` has Chromium emulate a network of N megabits per second with 20 ms of latency (the
 * server is on loopback, where bytes cost next to nothing).
 *
 *   npx tsx bench/dashboard-first-paint.ts [--runs N] [--loads N] [--dist DIR] [--mbit N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { Engine, newApiKey, silentLogger } from '@baton/core';
import { startApiServer } from '@baton/server';
import { SqliteStore } from '@baton/sqlite';
import { single } from './lib/workflows.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '200' }, loads: { type: 'string', default: '9' }, dist: { type: 'string' }, mbit: { type: 'string' } },
});
const runs = Number(values.runs);
const loads = Number(values.loads);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');
if (!Number.isInteger(loads) || loads < 1) throw new Error('--loads must be a whole number of at least 1');
const mbit = values.mbit === undefined ? undefined : Number(values.mbit);
if (mbit !== undefined && !(mbit > 0)) throw new Error('--mbit must be a positive number of megabits per second');

const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
const DIST = resolve(values.dist ?? resolve(import.meta.dirname, '../packages/dashboard/dist'));

/** What the page's code reads in the browser (this file is compiled without the DOM's types). */
interface BrowserGlobals {
  sessionStorage: { setItem(key: string, value: string): void };
  performance: { getEntriesByType(type: string): { name: string; startTime: number; transferSize?: number }[] };
}

interface Load {
  firstContentfulPaintMs: number;
  tableShownMs: number;
  transferredKb: number;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(label: string, xs: number[], unit: string): string {
  const round = (x: number): string => x.toFixed(unit === 'KB' ? 1 : 0);
  return `${label}: ${round(median(xs))} ${unit} (${round(Math.min(...xs))}–${round(Math.max(...xs))})`;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-first-paint-'));
const store = new SqliteStore({ path: join(dir, 'baton.db') });
const engine = new Engine({ store, workflows: [single], logger: silentLogger });
await engine.start();
try {
  const key = newApiKey({ name: 'bench', role: 'admin' }, Date.now());
  await store.createApiKey(key.record);
  await Promise.all(Array.from({ length: runs }, (_, i) => engine.client.start(single, i).then((handle) => handle.result())));
  const server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, dashboard: { dir: DIST } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const identity = { id: key.record.id, name: 'bench', role: 'admin', namespace: 'default', known: true };
  const measured: Load[] = [];
  try {
    // One unreported load first, so the server and the disk cache are warm.
    for (let i = 0; i <= loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
      // Signed in, as a tab that already pasted its key is.
      await context.addInitScript(
        ({ token, who }) => {
          const { sessionStorage } = globalThis as unknown as BrowserGlobals;
          sessionStorage.setItem('baton.apiKey', token);
          sessionStorage.setItem('baton.identity', who);
        },
        { token: key.token, who: JSON.stringify(identity) },
      );
      const page = await context.newPage();
      if (mbit !== undefined) {
        const cdp = await context.newCDPSession(page);
        const bytesPerSecond = (mbit * 1_000_000) / 8;
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 20,
          downloadThroughput: bytesPerSecond,
          uploadThroughput: bytesPerSecond,
        });
      }
      await page.goto(`${server.url}/runs`, { waitUntil: 'load' });
      await page.locator('.runs-table tbody tr').first().waitFor({ timeout: 30_000 });
      const shownAt = await page.evaluate(() => performance.now());
      const load = await page.evaluate(() => {
        const timings = (globalThis as unknown as BrowserGlobals).performance;
        const paint = timings.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint');
        const loaded = [...timings.getEntriesByType('navigation'), ...timings.getEntriesByType('resource')];
        const bytes = loaded.reduce((sum, entry) => sum + (entry.transferSize ?? 0), 0);
        return { fcp: paint?.startTime ?? Number.NaN, bytes };
      });
      if (i > 0) measured.push({ firstContentfulPaintMs: load.fcp, tableShownMs: shownAt, transferredKb: load.bytes / 1024 });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`The runs page, ${runs} runs, ${loads} cold loads${mbit === undefined ? '' : ` at ${mbit} Mbit/s and 20 ms latency`} (median, min–max):`);
  console.log(
    summary(
      '  first contentful paint',
      measured.map((m) => m.firstContentfulPaintMs),
      'ms',
    ),
  );
  console.log(
    summary(
      '  runs table shown',
      measured.map((m) => m.tableShownMs),
      'ms',
    ),
  );
  console.log(
    summary(
      '  transferred',
      measured.map((m) => m.transferredKb),
      'KB',
    ),
  );
} finally {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
