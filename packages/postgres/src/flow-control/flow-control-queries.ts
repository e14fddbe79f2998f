/** The statements of queues and rate limiters: their definitions, the GCRA take, and the limiter states admission reads. */
import { toQueueRecord, type QueueRow } from '@baton/core/store-kit';
import type { QueueRecord } from '@baton/core';
import type pg from 'pg';

export const DEFINE_QUEUES = `INSERT INTO queues (name, concurrency, rate_limit, updated_at) SELECT n, c, r, $4 FROM unnest($1::text[], $2::int[], $3::text[]) AS q(n, c, r)
         ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at`;

/** The generic cell rate algorithm in one statement: takes an event if the limiter conforms now. */
export const TAKE_RATE = `INSERT INTO rate_limiters AS l (key, tat) VALUES ($1, $2::float8 + $3::float8)
       ON CONFLICT (key) DO UPDATE SET tat = GREATEST(l.tat, $2::float8) + $3::float8
       WHERE GREATEST(l.tat, $2::float8) - $4::float8 <= $2::float8
       RETURNING tat`;

export const SELECT_RATE = 'SELECT tat FROM rate_limiters WHERE key = $1';

/** Running runs per queue ('queue:' slots) and per concurrency key. */
export const RUNNING_COUNTS = `SELECT 'queue:' || queue AS slot, COUNT(*)::int AS n FROM runs WHERE status = 'running' AND queue = ANY($1::text[]) GROUP BY queue
         UNION ALL
         SELECT concurrency_key, COUNT(*)::int FROM runs WHERE status = 'running' AND concurrency_key = ANY($2::text[]) GROUP BY concurrency_key`;

export const SELECT_RATES = 'SELECT key, tat FROM rate_limiters WHERE key = ANY($1::text[])';

export const SAVE_RATES = `INSERT INTO rate_limiters (key, tat) SELECT * FROM unnest($1::text[], $2::float8[])
           ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`;

/** Holds runs back until they conform: `$1` ids, `$2` their times, `$3` now. */
export const DELAY_RUNS = `UPDATE runs r SET ready_at = d.until, updated_at = $3 FROM unnest($1::text[], $2::bigint[]) AS d(id, until)
           WHERE r.id = d.id AND r.status = 'queued'`;

/** The queues defined, by name. */
export async function queueRecords(db: pg.Pool | pg.ClientBase): Promise<QueueRecord[]> {
  return (await db.query<QueueRow>('SELECT name, concurrency, rate_limit FROM queues ORDER BY name')).rows.map(toQueueRecord);
}
