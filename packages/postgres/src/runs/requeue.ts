/**
 * Requeueing an ended run (Store.requeue): retry sets its failed steps and failed children aside and
 * runs them again; resume goes on from where it stopped. Children are requeued with their parent.
 */
import { assertRequeueable, toRunRecord, type RunRow, type StoreHint } from '@baton/core/store-kit';
import type { AuditEntry, RunRecord } from '@baton/core';
import type pg from 'pg';
import { writeAudit } from '../access/audit-writes.js';
import { SELECT_RUN, lockRun } from './run-queries.js';

const FAILED_CHILDREN = `SELECT c.id, c.phase FROM journal j JOIN runs c ON c.parent_id = j.run_id AND c.parent_seq = j.seq
             WHERE j.run_id = $1 AND j.status = 'failed' AND j.kind = 'child' AND c.status = 'failed' AND c.continued_to IS NULL`;

const SET_ASIDE_FAILED = `INSERT INTO journal_history (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, set_aside_at)
             SELECT run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, $2
             FROM journal WHERE run_id = $1 AND status = 'failed' AND kind IN ('step', 'child')`;

const DELETE_FAILED = "DELETE FROM journal WHERE run_id = $1 AND status = 'failed' AND kind IN ('step', 'child')";

const DELETE_STEP_RETRIES = 'DELETE FROM step_retries WHERE run_id = $1';

const REQUEUE_RUN = `UPDATE runs SET status = 'queued', error = NULL, output = NULL, ended_at = NULL, ready_at = $2, wake_at = NULL,
             phase = 'body', end_status = NULL, compensation_plan = NULL, cancel_requested = 0, cancel_error = NULL, updated_at = $2 WHERE id = $1`;

/** Requeues `runId` (and, on retry, its failed children) in the caller's transaction, with its audit entry. */
export async function requeueRun(
  db: pg.ClientBase,
  hints: StoreHint[],
  runId: string,
  mode: 'retry' | 'resume',
  now: number,
  audit: AuditEntry | undefined,
): Promise<RunRecord> {
  const run = await lockRun(db, runId);
  assertRequeueable(runId, run, mode);
  const requeueTree = async (id: string): Promise<void> => {
    if (mode === 'retry') {
      const failedChildren = await db.query<{ id: string; phase: string }>(FAILED_CHILDREN, [id]);
      for (const child of failedChildren.rows) if (child.phase !== 'compensating') await requeueTree(child.id);
      await db.query(SET_ASIDE_FAILED, [id, now]);
      await db.query(DELETE_FAILED, [id]);
      await db.query(DELETE_STEP_RETRIES, [id]);
    }
    await db.query(REQUEUE_RUN, [id, now]);
    hints.push({ type: 'ready', runId: id });
  };
  await requeueTree(runId);
  await writeAudit(db, audit);
  return toRunRecord((await db.query<RunRow>(SELECT_RUN, [runId])).rows[0]!);
}
