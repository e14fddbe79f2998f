/** The statements of schedules: saving, pausing, the due ones, and a fire that moves a schedule on and starts its runs. */
import { SCHEDULE_COLUMNS, SCHEDULE_UPSERT } from '@baton/core/store-kit';

/** A schedule's insert with `count` values; `create` refuses an existing id, `upsert` replaces it. */
export function saveScheduleSql(count: number, mode: 'create' | 'upsert'): string {
  const placeholders = Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
  // An upsert replaces only the namespace's own schedule of that id.
  const conflict = mode === 'create' ? 'DO NOTHING' : `DO UPDATE SET ${SCHEDULE_UPSERT} WHERE schedules.namespace = excluded.namespace`;
  return `INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) ${conflict} RETURNING *`;
}

/** One schedule, of namespace $2 unless it is null. */
export const SELECT_SCHEDULE = 'SELECT * FROM schedules WHERE id = $1 AND ($2::text IS NULL OR namespace = $2)';

/** The namespace holding a schedule id. */
export const SCHEDULE_NAMESPACE = 'SELECT namespace FROM schedules WHERE id = $1';

/** The schedules of namespace $1 (every namespace's when it is null). */
export const LIST_SCHEDULES = 'SELECT * FROM schedules WHERE $1::text IS NULL OR namespace = $1 ORDER BY id';

export const DELETE_SCHEDULE = 'DELETE FROM schedules WHERE id = $1 AND ($2::text IS NULL OR namespace = $2) RETURNING id';

export const PRUNE_CODE_SCHEDULES =
  "DELETE FROM schedules WHERE source = 'code' AND namespace = $1 AND workflow = ANY($2::text[]) AND NOT (id = ANY($3::text[]))";

export const SET_PAUSED = 'UPDATE schedules SET paused = $2, next_at = $3, updated_at = $4 WHERE id = $1 AND ($5::text IS NULL OR namespace = $5) RETURNING *';

export const NEXT_SCHEDULE_AT = 'SELECT MIN(next_at) AS at FROM schedules WHERE next_at IS NOT NULL';

export const DUE_SCHEDULES = 'SELECT * FROM schedules WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at LIMIT $2';

/** Moves a schedule on, fenced on the next time the firer read (so one firer wins a tick). */
export const MOVE_SCHEDULE =
  'UPDATE schedules SET next_at = $1, last_tick_at = COALESCE($2, last_tick_at), last_run_id = COALESCE($3, last_run_id), updated_at = $4 WHERE id = $5 AND next_at = $6 AND paused = 0';

/** Holds new runs until the runs before them ended (a schedule's overlap policy). */
export const HOLD_RUNS = `UPDATE runs r SET after_run = h.after, ready_at = CASE
             WHEN EXISTS (SELECT 1 FROM runs p WHERE p.id = h.after AND p.status NOT IN ('completed', 'failed', 'cancelled')) THEN NULL ELSE r.ready_at END
           FROM unnest($1::text[], $2::text[]) AS h(id, after) WHERE r.id = h.id AND r.status = 'queued' AND r.claims = 0`;
