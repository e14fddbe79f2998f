/** The statements of a run's own reads and changes: reading it, its claimed state, leases, wake times, cancel and requeue. */
import { runNotFound, type JournalRow, type RunRow } from '@baton/core/store-kit';
import type pg from 'pg';
import { LIMITED_QUEUES } from './claim-runs.js';

export const SELECT_RUN = 'SELECT * FROM runs WHERE id = $1';

export const SELECT_JOURNAL = 'SELECT * FROM journal WHERE run_id = $1 ORDER BY seq';

export const SELECT_SIGNALS = 'SELECT * FROM signals WHERE run_id = $1 ORDER BY id';

/** Extends the leases still held (by token) on running runs; `$3` is the new expiry. */
export const RENEW_LEASES = `UPDATE runs r SET lease_expires_at = $3, ready_at = $3
       FROM unnest($1::text[], $2::text[]) AS l(id, token)
       WHERE r.id = l.id AND r.lease_token = l.token AND r.status = 'running'
       RETURNING r.id, r.cancel_requested`;

/** The next time a run is due after `$1`. */
export const NEXT_WAKE_AT = `SELECT LEAST(
           (SELECT MIN(ready_at) FROM runs WHERE ready_at IS NOT NULL AND status <> 'queued'
              AND (ready_at > $1 OR (concurrency_key IS NULL AND rate_key IS NULL AND queue NOT IN (${LIMITED_QUEUES})))),
           (SELECT MIN(ready_at) FROM runs WHERE status = 'queued' AND ready_at > $1)) AS at`;

export const CANCEL_QUEUED = "UPDATE runs SET status = 'cancelled', error = $2, ready_at = NULL, ended_at = $3, updated_at = $3 WHERE id = $1";

export const REQUEST_CANCEL =
  "UPDATE runs SET cancel_requested = 1, cancel_error = $2, updated_at = $3, ready_at = CASE WHEN status = 'waiting' THEN $3 ELSE ready_at END WHERE id = $1";

/**
 * A claimed run's journal, pending signals, signal horizon, step retries and children, as JSON per
 * run. Journal inputs are informational (replay never reads them), so they stay in the database.
 */
export const CLAIMED_STATE = `
  SELECT r.id,
    (SELECT COALESCE(json_agg(j ORDER BY j.seq), '[]') FROM (
       SELECT run_id, seq, kind, name, status, NULL::text AS input, output, error, attempts, started_at, ended_at, compensates
       FROM journal WHERE run_id = r.id) j) AS journal,
    (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'run_id', s.run_id, 'name', s.name, 'payload', s.payload, 'created_at', s.created_at)
       ORDER BY s.id), '[]') FROM signals s WHERE s.run_id = r.id AND s.consumed = 0) AS signals,
    (SELECT COALESCE(MAX(s.id), 0) FROM signals s WHERE s.run_id = r.id) AS horizon,
    (SELECT COALESCE(json_agg(t), '[]') FROM step_retries t WHERE t.run_id = r.id) AS retries,
    (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'parent_id', c.parent_id, 'parent_seq', c.parent_seq, 'status', c.status,
       'output', c.output, 'error', c.error, 'continued_to', c.continued_to)), '[]') FROM runs c WHERE c.parent_id = r.id) AS children
  FROM unnest($1::text[]) AS r(id)`;

export interface ClaimedState {
  id: string;
  journal: JournalRow[];
  signals: { id: number; run_id: string; name: string; payload: string; created_at: number }[];
  horizon: number;
  retries: { run_id: string; seq: number; attempts: number; next_attempt_at: number; error: string | null }[];
  children: {
    id: string;
    parent_id: string;
    parent_seq: number | null;
    status: string;
    output: string | null;
    error: string | null;
    continued_to: string | null;
  }[];
}

/** Reads a run under its row lock (in the caller's transaction); a missing run is an error. */
export async function lockRun(db: pg.ClientBase, runId: string): Promise<RunRow> {
  const row = (await db.query<RunRow>('SELECT * FROM runs WHERE id = $1 FOR UPDATE', [runId])).rows[0];
  if (row === undefined) throw runNotFound(runId);
  return row;
}
