/**
 * Payloads in the blob store on the run page, in a real browser (Chromium against a real server on a
 * SQLite file with the disk blob store): a run whose input is over the blob threshold, and whose
 * output holds a BlobValue handle a step wrote, shows each blob's size, type and first bytes, and
 * downloads its bytes with the session's key.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskBlobStore, defineWorkflow, type BlobValue, type Engine } from '@baton/core';
import { blobRefsIn } from '../src/blob-refs.js';
import { HAVE_CHROMIUM, startDashboard, type DashboardHarness } from './browser.js';

describe('blob references in a payload (no browser)', () => {
  it('finds spilled payloads and handles anywhere in a value, each once', () => {
    const handle = { $baton: 'blob', v: { id: 'h1', size: 10, type: 'text/csv' } };
    expect(blobRefsIn({ $blob: { id: 's1', size: 300_000, contentType: 'application/json' } })).toEqual([
      { id: 's1', size: 300_000, contentType: 'application/json' },
    ]);
    expect(blobRefsIn({ files: [handle, { nested: handle }], other: { $baton: 'date', v: '2030-01-01' } })).toEqual([
      { id: 'h1', size: 10, contentType: 'text/csv' },
    ]);
    expect(blobRefsIn({ $blob: 'not a reference', n: 1 })).toEqual([]);
    expect(blobRefsIn({ $blob: null, h: { $baton: 'blob', v: null } })).toEqual([]);
    expect(blobRefsIn(null)).toEqual([]);
  });
});

let h: DashboardHarness;
let page: Page;
const holder: { engine?: Engine } = {};

const report = defineWorkflow({ name: 'monthly-report' }, async (ctx, input: { month: string; ledger: string }) => {
  const csv = await ctx.step('export', () =>
    holder.engine!.blobs.put(`month,lines\n${input.month},${input.ledger.split('\n').length}\n`, { contentType: 'text/csv' }),
  );
  return { month: input.month, csv: csv as BlobValue };
});

describe.skipIf(!HAVE_CHROMIUM)('blob payloads on the run page in Chromium', () => {
  beforeAll(async () => {
    const blobs = new DiskBlobStore({ dir: mkdtempSync(join(tmpdir(), 'baton-dashboard-blobs-')) });
    h = await startDashboard('blobs', { workflows: [report], blobs }, () => ({ blobs }));
    page = h.page;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('previews and downloads a run input over the blob threshold and a blob the run returned', async () => {
    holder.engine = h.engine;
    // About 400 KB of ledger lines: over the 256 KiB threshold, so the input is journaled as a reference.
    const ledger = Array.from({ length: 8000 }, (_, i) => `2030-01-${String((i % 28) + 1).padStart(2, '0')};invoice-${i};${(i * 37) % 1000}.00 EUR`).join('\n');
    const run = await h.engine.client.start(report, { month: '2030-01', ledger });
    await h.waitForStatus(run.id, 'completed');

    await h.signIn(h.adminKey);
    await page.goto(`${h.server.url}/runs/${encodeURIComponent(run.id)}`);
    await page.locator('details.payloads > summary').click();
    const input = page.getByRole('list', { name: 'Input: blobs' });
    await input.locator('.blob-card').waitFor();
    const inputPreview = input.locator('.blob-preview');
    await expect.poll(() => inputPreview.textContent(), { timeout: 15_000 }).toMatch(/^\{"month":"2030-01","ledger":"2030-01-01;invoice-0;0\.00 EUR/);
    expect(await inputPreview.textContent()).toMatch(/… \(first 1\.0 KiB of [\d.]+ KiB\)$/);
    const meta = /^(\d+\.\d) KiB · application\/json$/.exec((await input.locator('.blob-meta').textContent()) ?? '');
    expect(Number(meta?.[1])).toBeGreaterThan(256);

    const [download] = await Promise.all([page.waitForEvent('download'), input.getByRole('link', { name: 'Download' }).click()]);
    const downloaded = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { month: string; ledger: string };
    expect(downloaded).toEqual({ month: '2030-01', ledger });
    expect(download.suggestedFilename()).toMatch(/\.json$/);

    // The output is small; the CSV the step wrote is a handle in it, shown with its own preview.
    const output = page.getByRole('list', { name: 'Run output: blobs' });
    await expect.poll(() => output.locator('.blob-preview').textContent(), { timeout: 15_000 }).toBe('month,lines\n2030-01,8000\n');
    expect(await output.locator('.blob-meta').textContent()).toBe('25 B · text/csv');
    const [csv] = await Promise.all([page.waitForEvent('download'), output.getByRole('link', { name: 'Download' }).click()]);
    expect(readFileSync((await csv.path())!, 'utf8')).toBe('month,lines\n2030-01,8000\n');
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  }, 60_000);
});
