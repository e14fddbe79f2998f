/** Which runs a trigger started, on SQLite (migration 0014): recorded with the run, read by origin. */
import type Database from 'better-sqlite3';
import type { RunStatus, StartedRun, StartedRunFilter } from '@baton/core';

export const RECORD_STARTED = 'INSERT OR IGNORE INTO started_runs (origin, run_id, at) VALUES (?, ?, ?)';

/** The stored event triggers (of `@namespace`, unless null), as rows of event_triggers, by namespace and workflow. */
export const LIST_TRIGGERS = 'SELECT * FROM event_triggers WHERE @namespace IS NULL OR namespace = @namespace ORDER BY namespace, workflow, n';

interface StartedRow {
  origin: string;
  run_id: string;
  at: number;
  workflow: string;
  namespace: string;
  status: RunStatus;
}

export function listStartedRuns(db: Database.Database, filter: StartedRunFilter): StartedRun[] {
  // One origin (a schedule's history) reads its index in order and stops at the limit; several (a
  // page of events, a few runs each) are sorted.
  const origin = filter.origins.length === 1 ? 's.origin = @origin' : 's.origin IN (SELECT value FROM json_each(@origins))';
  const rows = db
    .prepare(
      `SELECT s.origin, s.run_id, s.at, r.workflow, r.namespace, r.status
       FROM started_runs s JOIN runs r ON r.id = s.run_id
       WHERE ${origin} AND (@namespace IS NULL OR r.namespace = @namespace)
       ORDER BY s.at DESC, s.run_id DESC LIMIT @limit`,
    )
    .all(
      filter.origins.length === 1
        ? { origin: filter.origins[0], namespace: filter.namespace ?? null, limit: filter.limit }
        : { origins: JSON.stringify(filter.origins), namespace: filter.namespace ?? null, limit: filter.limit },
    ) as StartedRow[];
  return rows.map((row) => ({ origin: row.origin, runId: row.run_id, workflow: row.workflow, namespace: row.namespace, status: row.status, at: row.at }));
}
