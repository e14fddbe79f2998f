/**
 * What evaluating alert rules costs on a large store: one database with `--rows` runs (default
 * 1,000,000) over 20 workflows, one created per second, written directly with SQL (the store's own
 * schema): completed, failed, waiting (with the start of their wait, as engines record it), queued and
 * running runs. Each condition kind is measured 5
 * times at the end of the data (windows over the latest runs); the median per kind is printed.
 *
 *   npx tsx bench/alerts.ts [--rows N] [--store sqlite|postgres] [--pg-url URL]
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AlertCondition, Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { medianTime } from './lib/stats.js';
import { postgresUrl, storeFactory, type StoreLocation } from './lib/stores.js';

const { values } = parseArgs({ options: { rows: { type: 'string' }, store: { type: 'string', default: 'sqlite' }, 'pg-url': { type: 'string' } } });
if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
const rows = Number(values.rows ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number of at least 1000');

const T0 = Date.UTC(2030, 0, 1);
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'waiting', 'queued', 'running'] as const;

function fillSqlite(path: string): void {
  const db = new Database(path);
  const insert =
    db.prepare(`INSERT INTO runs (id, workflow, version, status, input, error, queue, priority, namespace, created_at, updated_at, started_at, ended_at, ready_at, waits)
    VALUES (?, ?, '1', ?, '{}', ?, ?, 0, 'default', ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const status = STATUSES[i % STATUSES.length]!;
      const at = T0 + i * 1000;
      const ended = status === 'completed' || status === 'failed' ? at + 500 : null;
      const error =
        status === 'failed'
          ? JSON.stringify({
              name: 'WorkflowFault',
              message: `(https://serverlessworkflow.io/spec/1.0.0/errors/${i % 2 === 0 ? 'communication' : 'runtime'})`,
              code: 'BATON_WORKFLOW_FAULT',
            })
          : null;
      const waits = status === 'waiting' ? JSON.stringify({ signals: ['approve'], children: [], timers: {}, since: at }) : null;
      insert.run(
        `run-${i}`,
        `wf-${i % 20}`,
        status,
        error,
        `q-${i % 5}`,
        at,
        at,
        status === 'queued' ? null : at,
        ended,
        status === 'queued' ? at : null,
        waits,
      );
    }
  })();
  db.close();
}

async function fillPostgres(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO runs (id, workflow, version, status, input, error, queue, priority, namespace, created_at, updated_at, started_at, ended_at, ready_at, waits)
      SELECT 'run-' || i, 'wf-' || (i % 20), '1', s.status, '{}',
        CASE WHEN s.status = 'failed' THEN json_build_object('name', 'WorkflowFault', 'code', 'BATON_WORKFLOW_FAULT',
          'message', '(https://serverlessworkflow.io/spec/1.0.0/errors/' || CASE WHEN i % 2 = 0 THEN 'communication' ELSE 'runtime' END || ')')::text END,
        'q-' || (i % 5), 0, 'default', $1::bigint + i * 1000, $1::bigint + i * 1000,
        CASE WHEN s.status <> 'queued' THEN $1::bigint + i * 1000 END,
        CASE WHEN s.status IN ('completed', 'failed') THEN $1::bigint + i * 1000 + 500 END,
        CASE WHEN s.status = 'queued' THEN $1::bigint + i * 1000 END,
        CASE WHEN s.status = 'waiting' THEN json_build_object('signals', json_build_array('approve'), 'children', json_build_array(),
          'timers', json_build_object(), 'since', $1::bigint + i * 1000)::text END
      FROM generate_series(0, $2::bigint - 1) AS i,
        LATERAL (SELECT (ARRAY[${STATUSES.map((x) => `'${x}'`).join(', ')}])[i % ${STATUSES.length} + 1] AS status) s`,
      [T0, rows],
    );
    await client.query('VACUUM ANALYZE runs');
  } finally {
    await client.end();
  }
}

async function fill(location: StoreLocation): Promise<void> {
  if (location.kind === 'sqlite') fillSqlite(location.path);
  else await fillPostgres(location.url, location.schema);
}

const fresh = await storeFactory(values.store, postgresUrl(values['pg-url'])).fresh('alerts');
try {
  const store: Store = fresh.store;
  await store.init();
  const filling = performance.now();
  await fill(fresh.location);
  console.log(`${rows.toLocaleString('en-US')} runs written in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
  if (store instanceof PostgresStore) await store.foldStats();
  const now = T0 + rows * 1000;
  const window = 600_000;
  const conditions: [string, AlertCondition][] = [
    ['failure-rate (all workflows)', { kind: 'failure-rate', minRuns: 1 }],
    ['failure-rate (one workflow)', { kind: 'failure-rate', workflow: 'wf-7', minRuns: 1 }],
    ['stuck running > 1 h', { kind: 'stuck', status: 'running', for: 3_600_000 }],
    ['stuck waiting > 1 h', { kind: 'stuck', status: 'waiting', for: 3_600_000 }],
    ['queue-depth (one queue)', { kind: 'queue-depth', queue: 'q-3' }],
    ['queue-age (all queues)', { kind: 'queue-age' }],
    ['run-spend', { kind: 'run-spend' }],
    ['workflow-spend', { kind: 'workflow-spend', workflow: 'wf-7' }],
    ['step-failed (any step)', { kind: 'step-failed' }],
    ['dsl-error', { kind: 'dsl-error', errorType: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication' }],
  ];
  console.log(`median of 5, ${values.store}, window ${window / 60_000} min at the end of the data:`);
  for (const [name, condition] of conditions) {
    const { value } = await store.measureAlert('default', condition, window, now);
    const ms = await medianTime(() => store.measureAlert('default', condition, window, now));
    console.log(`  ${name.padEnd(30)} ${ms.toFixed(2).padStart(9)} ms   (value ${value ?? 'none'})`);
  }
} finally {
  await fresh.remove();
}
