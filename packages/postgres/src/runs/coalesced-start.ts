/**
 * Debounced and throttled starts (Store.createRun with a StartControl): a start is coalesced into the
 * pending run of its debounce key, or into the run holding its throttle period, or makes a new run.
 */
import { toRunRecord, type RunRow, type StoreHint } from '@baton/core/store-kit';
import type { NewRun, RunRecord, StartControl } from '@baton/core';
import type pg from 'pg';
import { insertQueuedRun, queuedRunValues } from './apply-write.js';
import { SELECT_RUN } from './run-queries.js';

/** Inserts a debounced start, or folds it into the queued, never-claimed run of its key. */
const UPSERT_DEBOUNCED = `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
             concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags, ready_at, created_at, updated_at, debounce_key)
           VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $11, $12, $13, $14, $15, $16, $17, $10, $10, $18)
           ON CONFLICT (debounce_key) WHERE debounce_key IS NOT NULL AND status = 'queued' AND claims = 0 DO UPDATE SET
             input = excluded.input, concurrency_key = excluded.concurrency_key, concurrency_limit = excluded.concurrency_limit,
             rate_key = excluded.rate_key, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at,
             ready_at = LEAST(excluded.ready_at, runs.created_at + $19::bigint)
           RETURNING *`;

/** Takes the throttle period of a key for a run, unless another run holds it still. */
const TAKE_THROTTLE = `INSERT INTO throttles (key, run_id, until) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET run_id = excluded.run_id, until = excluded.until WHERE throttles.until <= $4`;

const THROTTLED_RUN = 'SELECT r.* FROM throttles t JOIN runs r ON r.id = t.run_id WHERE t.key = $1';

/** Coalesces a start in the caller's transaction; `created` says whether `run` itself was made. */
export async function coalesce(
  db: pg.ClientBase,
  hints: StoreHint[],
  run: NewRun,
  now: number,
  control: StartControl,
): Promise<{ run: RunRecord; created: boolean }> {
  if (control.debounce !== undefined) {
    const { key, delayMs, maxWaitMs } = control.debounce;
    const row = (await db.query<RunRow>(UPSERT_DEBOUNCED, [...queuedRunValues(run, now), now + delayMs, key, maxWaitMs ?? null])).rows[0]!;
    hints.push({ type: 'ready', runId: row.id });
    return { run: toRunRecord(row), created: row.id === run.id };
  }
  if (control.throttle !== undefined) {
    const { key, periodMs } = control.throttle;
    const taken = await db.query(TAKE_THROTTLE, [key, run.id, now + periodMs, now]);
    if ((taken.rowCount ?? 0) === 0) {
      // Another run holds this period: the start returns it.
      const existing = (await db.query<RunRow>(THROTTLED_RUN, [key])).rows[0];
      if (existing !== undefined) return { run: toRunRecord(existing), created: false };
    }
  }
  const created = await insertQueuedRun(db, run, now);
  if (created) hints.push({ type: 'ready', runId: run.id });
  return { run: toRunRecord((await db.query<RunRow>(SELECT_RUN, [run.id])).rows[0]!), created };
}
