/**
 * The time PostgreSQL spends in the journal's model-call trigger (run_stats_llm, the hourly counts)
 * with migration 0018 and without it: two fresh schemas, one migrated to 0017 and one to 0019;
 * 2,000 single-row journal inserts in each (200 runs x 10 steps, as W1 writes them), alternating, eight
 * rounds. The trigger's own time comes from `pg_stat_xact_user_functions` (`track_functions = 'all'`
 * for the transaction), so the disk and the machine's other work stay out of it. `--model-calls N`
 * makes one entry in N a model call (default 0: none, as in W1).
 *
 *   npx tsx bench/stats-trigger.ts [--model-calls N] [--pg-url URL]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadMigrations, migrate } from '@baton/postgres';
import { postgresUrl } from './lib/stores.js';

const { values } = parseArgs({ options: { 'model-calls': { type: 'string', default: '0' }, 'pg-url': { type: 'string' } } });
const every = Number(values['model-calls']);
if (!Number.isInteger(every) || every < 0) throw new Error('--model-calls must be a whole number, 0 or more');

const RUNS = 200;
const STEPS = 10;
const ROUNDS = 8;
const MODES = ['without', 'with'] as const;

const pool = new pg.Pool({ connectionString: postgresUrl(values['pg-url']), max: 1 });
const client = await pool.connect();
const schemas = { without: `bench_stats_without_${process.pid}`, with: `bench_stats_with_${process.pid}` };
const trigger: Record<(typeof MODES)[number], number[]> = { without: [], with: [] };
try {
  for (const mode of MODES) {
    await migrate(
      client,
      schemas[mode],
      Date.now(),
      // 'with' stops before 0020, which folded run_stats_llm into one trigger with the change feed's.
      loadMigrations().filter((m) => m.version < (mode === 'with' ? 20 : 18)),
    );
  }
  const call = JSON.stringify({ kind: 'baton.llm', text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, priced: false, cached: false });
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
      await client.query('BEGIN');
      await client.query(`SET LOCAL search_path TO "${schemas[mode]}"`);
      await client.query(`SET LOCAL track_functions = 'all'`);
      const now = Date.now();
      await client.query(`INSERT INTO runs (id, workflow, version, status, input, queue, priority, ready_at, created_at, updated_at)
        SELECT 'r${round}_' || i, 'w', '1', 'running', '{}', 'default', 0, ${now}, ${now}, ${now} FROM generate_series(1, ${RUNS}) i`);
      let n = 0;
      for (let step = 1; step <= STEPS; step++) {
        for (let run = 1; run <= RUNS; run++) {
          const output = every > 0 && ++n % every === 0 ? call : String(step);
          await client.query(
            `INSERT INTO journal (run_id, seq, kind, name, status, output, attempts, started_at, ended_at)
             VALUES ($1, $2, 'step', $3, 'completed', $4, 1, $5, $5)`,
            [`r${round}_${run}`, step, `s${step}`, output, now],
          );
        }
      }
      const { rows } = await client.query<{ calls: string; self_time: number }>(
        `SELECT calls, self_time FROM pg_stat_xact_user_functions WHERE schemaname = $1 AND funcname = 'run_stats_llm'`,
        [schemas[mode]],
      );
      trigger[mode].push((rows[0]!.self_time * 1000) / Number(rows[0]!.calls));
      await client.query('COMMIT');
    }
  }
} finally {
  for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  client.release();
  await pool.end();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const mode of MODES) {
  const xs = trigger[mode];
  console.log(`${mode} 0018: run_stats_llm ${median(xs).toFixed(1)} µs a statement (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`);
}
