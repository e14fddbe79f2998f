/** Moving a run to another version of its workflow on PostgreSQL (Store.moveRunVersion), as a compare-and-set under the run's row lock. */
import type { AuditEntry } from '@baton/core';
import { toRunRecord, versionMoveRefusal, type RunRow, type StoreHint, type VersionMove, type VersionMoveResult } from '@baton/core/store-kit';
import type pg from 'pg';
import { writeAudit } from '../access/audit-writes.js';

const LOCK_RUN = 'SELECT * FROM runs WHERE id = $1 FOR UPDATE';
const JOURNAL_EXTENT = 'SELECT count(*)::int AS length, coalesce(max(seq), 0)::int AS last FROM journal WHERE run_id = $1';
const MOVE_VERSION = 'UPDATE runs SET version = $2, updated_at = $3 WHERE id = $1 RETURNING *';

/** Applies the move in the caller's transaction, with its audit entry, or says why not. */
export async function moveVersion(
  db: pg.ClientBase,
  hints: StoreHint[],
  move: VersionMove,
  now: number,
  audit: AuditEntry | undefined,
): Promise<VersionMoveResult> {
  const row = (await db.query<RunRow>(LOCK_RUN, [move.runId])).rows[0];
  if (row === undefined) return { moved: false, reason: 'notFound' };
  const extent = (await db.query<{ length: number; last: number }>(JOURNAL_EXTENT, [move.runId])).rows[0]!;
  const reason = versionMoveRefusal(
    {
      status: row.status,
      version: row.version,
      updatedAt: Number(row.updated_at),
      leaseOwner: row.lease_owner,
      journalLength: extent.length,
      lastSeq: extent.last,
    },
    move,
  );
  if (reason !== undefined) return { moved: false, reason };
  const moved = (await db.query<RunRow>(MOVE_VERSION, [move.runId, move.toVersion, now])).rows[0]!;
  await writeAudit(db, audit);
  if (row.status === 'queued') hints.push({ type: 'ready', runId: move.runId });
  return { moved: true, run: toRunRecord(moved) };
}
