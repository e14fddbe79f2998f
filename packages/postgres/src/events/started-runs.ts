/** Which runs a trigger started, on PostgreSQL (migration 0016): recorded with the run, read by origin. */
import type pg from 'pg';
import type { RunStatus, StartedRun, StartedRunFilter } from '@baton/core';

export const RECORD_STARTED = 'INSERT INTO started_runs (origin, run_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';

/** The stored event triggers (of namespace $1, unless it is null), as rows of event_triggers, by namespace and workflow. */
export const LIST_TRIGGERS = 'SELECT * FROM event_triggers WHERE $1::text IS NULL OR namespace = $1 ORDER BY namespace, workflow, n';

interface StartedRow {
  origin: string;
  run_id: string;
  at: string | number;
  workflow: string;
  namespace: string;
  status: RunStatus;
}

/**
 * The runs these origins started, newest first. One origin (a schedule's history) reads its index in
 * order and stops at the limit; several (a page of events, a few runs each) are sorted.
 */
export function listStartedQuery(filter: StartedRunFilter): { sql: string; params: unknown[] } {
  const one = filter.origins.length === 1;
  return {
    sql: `SELECT s.origin, s.run_id, s.at, r.workflow, r.namespace, r.status
      FROM started_runs s JOIN runs r ON r.id = s.run_id
      WHERE ${one ? 's.origin = $1' : 's.origin = ANY($1::text[])'} AND ($2::text IS NULL OR r.namespace = $2)
      ORDER BY s.at DESC, s.run_id DESC LIMIT $3`,
    params: [one ? filter.origins[0] : filter.origins, filter.namespace ?? null, filter.limit],
  };
}

export function toStartedRun(row: StartedRow): StartedRun {
  return { origin: row.origin, runId: row.run_id, workflow: row.workflow, namespace: row.namespace, status: row.status, at: Number(row.at) };
}

export type { StartedRow };

/** Records a run `origin` started (in the caller's transaction). */
export async function recordStarted(db: pg.ClientBase, origin: string, runId: string, at: number): Promise<void> {
  await db.query(RECORD_STARTED, [origin, runId, at]);
}
