/** The statements of the event log, its triggers and the runs waiting for events. */
import type { EventListFilter } from '@baton/core/store-kit';

/** One emit or wait registration at a time per deployment: `$1` is the lock's name. */
export const LOCK_EVENTS = 'SELECT pg_advisory_xact_lock(hashtext($1))';

export const INSERT_EVENT = `INSERT INTO events (namespace, id, type, source, subject, time, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (namespace, source, id) DO NOTHING RETURNING *`;

export const SELECT_EVENT = 'SELECT * FROM events WHERE namespace = $1 AND source = $2 AND id = $3';

/** The triggers of a namespace ($1) for a type ($2). */
export const TRIGGERS_OF_TYPE = 'SELECT * FROM event_triggers WHERE namespace = $1 AND type = $2 ORDER BY workflow, n';

/** The waits of a namespace ($1) for a type ($2) by runs still going, in wait order. */
export const WAITS_OF_TYPE = `SELECT w.* FROM event_waits w JOIN runs r ON r.id = w.run_id
  WHERE w.namespace = $1 AND w.type = $2 AND r.status NOT IN ('completed', 'failed', 'cancelled') ORDER BY w.run_id, w.seq`;

export const DELETE_WAIT = 'DELETE FROM event_waits WHERE run_id = $1 AND seq = $2';

export const DELETE_ENDED_WAITS =
  "DELETE FROM event_waits WHERE namespace = $1 AND type = $2 AND run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled'))";

/**
 * A page of the log by position, oldest first unless `newestFirst`, with only the conditions given
 * (so the planner picks the namespace and type index that fits): `$1` after, `$2` limit, then before,
 * namespace and type as present.
 */
export function listEventsQuery(filter: EventListFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [filter.after ?? 0, filter.limit];
  const where = ['seq > $1'];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    where.push(condition.replace('?', `$${params.length}`));
  };
  if (filter.before !== undefined) add('seq < ?', filter.before);
  if (filter.namespace !== undefined) add('namespace = ?', filter.namespace);
  if (filter.type !== undefined) add('type = ?', filter.type);
  return { sql: `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${filter.newestFirst === true ? 'DESC' : ''} LIMIT $2`, params };
}

export const DELETE_TRIGGERS = 'DELETE FROM event_triggers WHERE namespace = $1 AND workflow = ANY($2::text[])';

export const INSERT_TRIGGERS = `INSERT INTO event_triggers (namespace, workflow, n, type, match, input, queue, priority)
         SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])`;

export const INSERT_WAIT =
  'INSERT INTO event_waits (run_id, namespace, seq, type, match, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, seq) DO NOTHING';
