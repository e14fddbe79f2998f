/**
 * The queries behind the dashboard's runs list and overview on a large store: one SQLite file with
 * `--rows` runs (default 1,000,000) over 20 workflows, one created per second, written directly with
 * SQL (the store's own schema). Each query runs 5 times; the median is printed.
 *
 *   npx tsx bench/dashboard-queries.ts [--rows N]
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Store } from '@baton/core';
import { sqliteStores } from './lib/stores.js';

const { values } = parseArgs({ options: { rows: { type: 'string' } } });
const rows = Number(values.rows ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number of at least 1000');

const T0 = Date.UTC(2030, 0, 1);
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'waiting', 'queued'] as const;

function fill(path: string): void {
  const db = new Database(path);
  const insert = db.prepare(`INSERT INTO runs (id, workflow, version, status, input, queue, priority, namespace, tags, created_at, updated_at, ended_at)
    VALUES (?, ?, '1', ?, ?, 'default', 0, 'default', ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const status = STATUSES[i % STATUSES.length]!;
      const at = T0 + i * 1000;
      const ended = status === 'completed' || status === 'failed' ? at + 500 + (i % 7) * 100 : null;
      insert.run(
        `run-${i}`,
        `wf-${i % 20}`,
        status,
        JSON.stringify({ customer: `customer-${i % 50_000}`, amount: i % 1000 }),
        i % 100 === 0 ? '["vip"]' : null,
        at,
        at,
        ended,
      );
    }
  })();
  db.close();
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const fresh = await sqliteStores().fresh('dashboard');
try {
  const store: Store = fresh.store;
  await store.init();
  if (fresh.location.kind !== 'sqlite') throw new Error('a SQLite store was expected');
  const filling = performance.now();
  fill(fresh.location.path);
  console.log(`${rows.toLocaleString('en-US')} runs written in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
  const first = await store.listRuns({ limit: 50 });
  const end = T0 + rows * 1000;
  const queries: [string, () => Promise<unknown>][] = [
    ['runs: first page (50)', () => store.listRuns({ limit: 50 })],
    ['runs: next page', () => store.listRuns({ limit: 50, cursor: first.nextCursor! })],
    ['runs: status = failed', () => store.listRuns({ status: 'failed', limit: 50 })],
    ['runs: workflow', () => store.listRuns({ workflow: 'wf-7', limit: 50 })],
    ['runs: namespace', () => store.listRuns({ namespace: 'default', limit: 50 })],
    ['runs: tag (1 run in 100)', () => store.listRuns({ tag: 'vip', limit: 50 })],
    ['runs: created in one hour', () => store.listRuns({ createdAfter: end - 7_200_000, createdBefore: end - 3_600_000, limit: 50 })],
    ['runs: search, 20 hits', () => store.listRuns({ search: 'customer-12345"', limit: 50 })],
    ['runs: search, no hit', () => store.listRuns({ search: 'no-such-text', limit: 50 })],
    ['overview: last hour, 5 min buckets', () => store.overview({ since: end - 3_600_000, until: end, bucketMs: 300_000, now: end })],
    ['overview: 24 h, 1 h buckets', () => store.overview({ since: end - 86_400_000, until: end, bucketMs: 3_600_000, now: end })],
    ['overview: 7 days, 6 h buckets', () => store.overview({ since: end - 7 * 86_400_000, until: end, bucketMs: 6 * 3_600_000, now: end })],
  ];
  for (const [label, fn] of queries) console.log(`${label.padEnd(38)} ${(await median(fn)).toFixed(1).padStart(9)} ms`);
} finally {
  await fresh.remove();
}
