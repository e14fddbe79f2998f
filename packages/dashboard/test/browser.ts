/**
 * What the dashboard's browser tests share: Chromium (headless, through playwright-core) on a fresh
 * profile, the built dashboard, a server with an engine on a temporary SQLite file, and waiting on
 * conditions checked from the test (the dashboard's CSP forbids evaluated strings).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Engine, newApiKey, silentLogger, type EngineOptions } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer, type ApiServerOptions } from '@baton/server';

export const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI === 'true')
  throw new Error(`No Chromium at ${CHROMIUM}: CI runs the dashboard's browser tests (apt-get install chromium).`);

export const PACKAGE = resolve(import.meta.dirname, '..');
export const DIST = join(PACKAGE, 'dist');
export const IMAGES = resolve(PACKAGE, '../../docs/images');

export const delay = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Builds the dashboard when a test runs without `npm run build`. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(PACKAGE, 'vite.config.ts'), logLevel: 'warn' });
}

export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  mkdirSync(IMAGES, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1360, height: 860 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Waits for a condition, checking it every 25 ms for up to `ms`. */
export async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await delay(25);
  }
}

/** A dashboard served by an API server with an engine on a fresh SQLite file, and a browser tab. */
export interface DashboardHarness {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly engine: Engine;
  readonly server: ApiServer;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Tokens of an admin key ('dana') and a viewer key ('vic'). */
  readonly adminKey: string;
  readonly viewerKey: string;
  /** A new key in the store: its id (to revoke it) and its token. */
  makeKey(name: string, role: 'viewer' | 'operator' | 'admin'): Promise<{ id: string; token: string }>;
  waitForStatus(runId: string, status: string): Promise<void>;
  /** Signs the tab in with `key` from the login page, and waits for the runs list. */
  signIn(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an engine with `options` (its store and logger given here), a server and Chromium;
 * `server` adds to the server's options (e.g. who hears of a deployed definition).
 */
export async function startDashboard(
  name: string,
  options: Omit<EngineOptions, 'store' | 'logger'>,
  server: (engine: Engine) => Partial<ApiServerOptions> = () => ({}),
): Promise<DashboardHarness> {
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), `baton-dashboard-${name}-`));
  const store = new SqliteStore({ path: join(dir, 'baton.db') });
  const engine = new Engine({ pollIntervalMs: 20, ...options, store, logger: silentLogger });
  await engine.start();
  const makeKey = async (keyName: string, role: 'viewer' | 'operator' | 'admin') => {
    const key = newApiKey({ name: keyName, role }, Date.now());
    await store.createApiKey(key.record);
    return { id: key.record.id, token: key.token };
  };
  const adminKey = (await makeKey('dana', 'admin')).token;
  const viewerKey = (await makeKey('vic', 'viewer')).token;
  const api = await startApiServer({
    ...server(engine),
    client: engine.client,
    store,
    workflows: engine.workflows,
    stream: { pollMs: 50, heartbeatMs: 1000 },
    dashboard: { dir: DIST },
  });
  const context = await launchBrowser(join(dir, 'chromium-profile'));
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    dir,
    store,
    engine,
    server: api,
    context,
    page,
    adminKey,
    viewerKey,
    makeKey,
    async waitForStatus(runId, status) {
      await until(async () => (await engine.client.get(runId))?.status === status, `run ${runId} to be ${status}`, 15_000);
    },
    async signIn(key) {
      await page.goto(`${api.url}/runs`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Runs' }).waitFor();
    },
    async close() {
      await context.close();
      await api.close();
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
