/**
 * The queries behind the dashboard's runs list, overview, workflows, events and schedule pages on a
 * large store: one SQLite file with `--rows` runs (default 1,000,000) over 20 workflows, one created
 * per second, written directly with SQL (the store's own schema); one run in ten recorded as started
 * by an event, one in ten by one of 10 schedules. Each query runs 5 times; the median is printed. `--store postgres`
 * fills a fresh schema instead (the same rows, with generate_series).
 *
 *   npx tsx bench/dashboard-queries.ts [--rows N] [--store sqlite|postgres] [--pg-url URL]
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { medianTime } from './lib/stats.js';
import { postgresUrl, storeFactory, type StoreLocation } from './lib/stores.js';

const { values } = parseArgs({ options: { rows: { type: 'string' }, store: { type: 'string', default: 'sqlite' }, 'pg-url': { type: 'string' } } });
if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
const rows = Number(values.rows ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number of at least 1000');

const T0 = Date.UTC(2030, 0, 1);
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'waiting', 'queued'] as const;

async function fill(location: StoreLocation): Promise<void> {
  if (location.kind === 'sqlite') {
    fillSqlite(location.path);
    const db = new Database(location.path);
    db.exec(STARTED_RUNS);
    db.close();
  } else await fillPostgres(location.url, location.schema);
}

/** Run i: started by event i / 10 when i % 10 = 0, by schedule s-<(i / 10) % 10> when i % 10 = 1 (both stores' SQL). */
const STARTED_RUNS = `INSERT INTO started_runs (origin, run_id, at)
  SELECT CASE WHEN n % 10 = 0 THEN 'event:' || (n / 10) ELSE 'schedule:s-' || ((n / 10) % 10) END, id, created_at
  FROM (SELECT id, created_at, CAST(substr(id, 5) AS INTEGER) AS n FROM runs) r WHERE n % 10 IN (0, 1)`;

/** Half the waiting runs wait for a person's signal, half for an event. */
function waits(i: number): string {
  return JSON.stringify({ signals: [i % 12 === 4 ? 'approval' : '$event:order.paid#1'], children: [], timers: {} });
}

function fillSqlite(path: string): void {
  const db = new Database(path);
  const insert = db.prepare(`INSERT INTO runs (id, workflow, version, status, input, queue, priority, namespace, tags, created_at, updated_at, ended_at, waits)
    VALUES (?, ?, '1', ?, ?, 'default', 0, 'default', ?, ?, ?, ?, ?)`);
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
        status === 'waiting' ? waits(i) : null,
      );
    }
  })();
  db.close();
}

/** The same rows as fillSqlite, written by the server itself. */
async function fillPostgres(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO runs (id, workflow, version, status, input, queue, priority, namespace, tags, created_at, updated_at, ended_at, waits)
      SELECT 'run-' || i, 'wf-' || (i % 20), '1', s.status,
        json_build_object('customer', 'customer-' || (i % 50000), 'amount', i % 1000)::text,
        'default', 0, 'default', CASE WHEN i % 100 = 0 THEN '["vip"]' END, $1::bigint + i * 1000, $1::bigint + i * 1000,
        CASE WHEN s.status IN ('completed', 'failed') THEN $1::bigint + i * 1000 + 500 + (i % 7) * 100 END,
        CASE WHEN s.status = 'waiting' THEN json_build_object('signals', json_build_array(CASE WHEN i % 12 = 4 THEN 'approval' ELSE '$event:order.paid#1' END),
          'children', json_build_array(), 'timers', json_build_object())::text END
      FROM generate_series(0, $2::bigint - 1) AS i,
        LATERAL (SELECT (ARRAY[${STATUSES.map((x) => `'${x}'`).join(', ')}])[i % ${STATUSES.length} + 1] AS status) s`,
      [T0, rows],
    );
    await client.query(STARTED_RUNS);
    await client.query('VACUUM ANALYZE runs');
    await client.query('VACUUM ANALYZE started_runs');
    await client.query('VACUUM ANALYZE run_search');
  } finally {
    await client.end();
  }
}

function floor(at: number, width: number): number {
  return at - (at % width);
}

const fresh = await storeFactory(values.store, postgresUrl(values['pg-url'])).fresh('dashboard');
try {
  const store: Store = fresh.store;
  await store.init();
  const filling = performance.now();
  await fill(fresh.location);
  console.log(`${rows.toLocaleString('en-US')} runs written in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
  if (store instanceof SqliteStore) {
    // The search index is written after the runs, in the background; here all at once, timed.
    const indexing = performance.now();
    await store.indexForSearch();
    console.log(`search index caught up in ${((performance.now() - indexing) / 1000).toFixed(1)} s`);
  }
  if (store instanceof PostgresStore) await store.foldStats();
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
    ['runs: search by id, 11 hits', () => store.listRuns({ search: 'RUN-99999', limit: 50 })],
    ['runs: search, 1 run in 10', () => store.listRuns({ search: 'customer-4', limit: 50 })],
    ['runs: search, 1 run in 10, failed', () => store.listRuns({ search: 'customer-4', status: 'failed', limit: 50 })],
    ['runs: search, 2 characters', () => store.listRuns({ search: '"c', limit: 50 })],
    ['overview: last hour, 5 min buckets', () => store.overview({ since: end - 3_600_000, until: end, bucketMs: 300_000, now: end })],
    // As the dashboard asks: windows of whole buckets, the first starting on a bucket's start.
    ['overview: 24 h, 1 h buckets', () => store.overview({ since: floor(end - 86_400_000, 3_600_000), until: end, bucketMs: 3_600_000, now: end })],
    [
      'overview: 7 days, 6 h buckets',
      () => store.overview({ since: floor(end - 7 * 86_400_000, 6 * 3_600_000), until: end, bucketMs: 6 * 3_600_000, now: end }),
    ],
    // The workflows page: runs and success rate per workflow over 7 days, from an hour's start, in days.
    ['workflows: 7 days, 1-day buckets', () => store.overview({ since: floor(end, 3_600_000) - 7 * 86_400_000, until: end, bucketMs: 86_400_000, now: end })],
    // The events page: the runs 50 events started; a schedule's history (100 of its 10,000 runs).
    [
      'events: runs of 50 events',
      () => store.listStartedRuns({ origins: Array.from({ length: 50 }, (_, k) => `event:${Math.floor(rows / 10) - 1 - k}`), limit: 10_000 }),
    ],
    ['schedule: history, 100 runs', () => store.listStartedRuns({ origins: ['schedule:s-3'], limit: 100 })],
  ];
  for (const [label, fn] of queries) console.log(`${label.padEnd(38)} ${(await medianTime(fn)).toFixed(1).padStart(9)} ms`);
} finally {
  await fresh.remove();
}
