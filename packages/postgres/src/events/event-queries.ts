/** The statements of the event log, its triggers and the runs waiting for events. */

/** One emit or wait registration at a time per deployment: `$1` is the lock's name. */
export const LOCK_EVENTS = 'SELECT pg_advisory_xact_lock(hashtext($1))';

export const INSERT_EVENT = `INSERT INTO events (id, type, source, subject, time, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (source, id) DO NOTHING RETURNING *`;

export const SELECT_EVENT = 'SELECT * FROM events WHERE source = $1 AND id = $2';

export const TRIGGERS_OF_TYPE = 'SELECT * FROM event_triggers WHERE type = $1 ORDER BY workflow, n';

/** The waits for a type by runs still going, in wait order. */
export const WAITS_OF_TYPE =
  "SELECT w.* FROM event_waits w JOIN runs r ON r.id = w.run_id WHERE w.type = $1 AND r.status NOT IN ('completed', 'failed', 'cancelled') ORDER BY w.run_id, w.seq";

export const DELETE_WAIT = 'DELETE FROM event_waits WHERE run_id = $1 AND seq = $2';

export const DELETE_ENDED_WAITS =
  "DELETE FROM event_waits WHERE type = $1 AND run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled'))";

/** A page of the log by position, oldest first unless `newestFirst`. */
export function listEventsSql(newestFirst: boolean | undefined): string {
  return `SELECT * FROM events WHERE seq > $1 AND ($2::bigint IS NULL OR seq < $2) AND ($3::text IS NULL OR type = $3)
         ORDER BY seq ${newestFirst === true ? 'DESC' : ''} LIMIT $4`;
}

export const DELETE_TRIGGERS = 'DELETE FROM event_triggers WHERE workflow = ANY($1::text[])';

export const INSERT_TRIGGERS = `INSERT INTO event_triggers (workflow, n, type, match, input, queue, priority)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])`;

export const INSERT_WAIT = 'INSERT INTO event_waits (run_id, seq, type, match, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, seq) DO NOTHING';
