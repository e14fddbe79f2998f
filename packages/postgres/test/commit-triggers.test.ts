/**
 * What a one-step run's commits cost the server in calls: since migration 0020 each commit is one
 * PL/pgSQL call of apply_batch, and what a run or journal entry adds beside its row (change feed,
 * search, hourly counts) is one trigger call per table and event. Both commits run in one rolled-back
 * transaction, whose function statistics (pg_stat_xact_user_functions) count the calls.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

const T0 = Date.UTC(2030, 0, 1, 10);

/** A batch for apply_batch with the rows given and every other kind empty. */
function batch(rows: Record<string, unknown[]>): string {
  const kinds = ['creates', 'fenced', 'journal', 'consumed', 'retries', 'newRuns', 'progress', 'compensate', 'finishes', 'suspends', 'releases', 'audit'];
  return JSON.stringify(Object.fromEntries(kinds.map((k) => [k, rows[k] ?? []])));
}

const create = batch({
  creates: [
    {
      i: 0,
      id: 'one',
      workflow: 'wf',
      version: '1',
      input: '{"n":1}',
      queue: 'default',
      priority: 0,
      namespace: 'default',
      owner: 'e1',
      token: 't1',
      expires: T0 + 30_000,
    },
  ],
});

const entry = { i: 0, run_id: 'one', seq: 1, kind: 'step', name: 'only', status: 'completed', output: '2', attempts: 1, started_at: T0 + 1, ended_at: T0 + 2 };

const finish = batch({
  fenced: [{ i: 0, id: 'one', token: 't1' }],
  journal: [entry],
  finishes: [{ i: 0, id: 'one', status: 'completed', output: '2', wakes_parent: true }],
});

describe.runIf(runPostgresTests('the commit trigger test'))('the commits of a one-step run on PostgreSQL', () => {
  let schema: string;
  let client: pg.Client;

  beforeAll(async () => {
    schema = freshSchema();
    const store = new PostgresStore({ connectionString: POSTGRES_URL, schema, listen: false, foldStatsEveryMs: 0 });
    await store.init();
    await store.close();
    client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`SET search_path TO "${schema}"`);
  });

  afterAll(async () => {
    await client?.end();
  });

  it('call apply_batch once each and one trigger per table and event, writing the feed, search and count rows', async () => {
    await client.query('BEGIN');
    try {
      await client.query("SET LOCAL track_functions = 'all'");
      const created = (await client.query<{ o: { live: number[] } }>('SELECT apply_batch($1::jsonb, $2, NULL) AS o', [create, T0])).rows[0]!.o;
      expect(created.live).toEqual([0]);
      const ended = (await client.query<{ o: { live: number[]; finished: string[][] } }>('SELECT apply_batch($1::jsonb, $2, NULL) AS o', [finish, T0 + 3]))
        .rows[0]!.o;
      expect(ended.live).toEqual([0]);
      expect(ended.finished).toEqual([['one', 'completed']]);

      const calls = await client.query<{ name: string; calls: string }>(
        'SELECT funcname AS name, calls FROM pg_stat_xact_user_functions WHERE schemaname = $1 ORDER BY funcname',
        [schema],
      );
      expect(Object.fromEntries(calls.rows.map((r) => [r.name, Number(r.calls)]))).toEqual({
        apply_batch: 2,
        duration_bin: 1,
        journal_inserted: 1,
        run_status_changed: 1,
        runs_inserted: 1,
      });

      const changes = await client.query('SELECT run_id, kind, status, seq, name, at FROM changes ORDER BY id');
      expect(changes.rows).toEqual([
        { run_id: 'one', kind: 'run', status: 'running', seq: null, name: null, at: String(T0) },
        { run_id: 'one', kind: 'entry', status: 'completed', seq: 1, name: 'only', at: String(T0 + 2) },
        { run_id: 'one', kind: 'run', status: 'completed', seq: null, name: null, at: String(T0 + 3) },
      ]);
      const search = await client.query('SELECT run_id, input_head FROM run_search');
      expect(search.rows).toEqual([{ run_id: 'one', input_head: '{"n":1}' }]);
      const counts = await client.query<{ started: string; completed: string; bin: number | null }>(
        'SELECT SUM(started) AS started, SUM(completed) AS completed, MAX(bin) AS bin FROM run_stats_delta',
      );
      expect(counts.rows[0]).toMatchObject({ started: '1', completed: '1' });
      expect(counts.rows[0]!.bin).not.toBeNull();
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('keeps one trigram index for run search, which a search by id or by input reads', async () => {
    const indexes = await client.query<{ name: string }>(
      "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'run_search'::regclass AND NOT indisprimary",
    );
    expect(indexes.rows.map((r) => r.name)).toEqual(['run_search_text']);
    await client.query('BEGIN');
    try {
      // On an empty table a scan is cheapest: forbid it to see which index the planner can use.
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT run_id FROM run_search WHERE run_id ILIKE '%abc%' OR input_head ILIKE '%abc%'");
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text.match(/Bitmap Index Scan on run_search_text/g)).toHaveLength(2);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('writes nothing for an op whose lease token no longer holds', async () => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT apply_batch($1::jsonb, $2, NULL)', [create, T0]);
      const stale = batch({ fenced: [{ i: 0, id: 'one', token: 'stale' }], journal: [entry] });
      const outcome = (await client.query<{ o: { live: number[] } }>('SELECT apply_batch($1::jsonb, $2, NULL) AS o', [stale, T0 + 3])).rows[0]!.o;
      expect(outcome.live).toEqual([]);
      expect((await client.query('SELECT 1 FROM journal')).rowCount).toBe(0);
      expect((await client.query("SELECT 1 FROM changes WHERE kind = 'entry'")).rowCount).toBe(0);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
