/**
 * What the dashboard's browser tests share: Chromium (headless, through playwright-core) on a fresh
 * profile, the built dashboard, and waiting on conditions checked from the test (the dashboard's CSP
 * forbids evaluated strings).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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
  context.setDefaultTimeout(10_000);
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
