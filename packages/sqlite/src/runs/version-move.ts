/** Moving a run to another version of its workflow on SQLite (Store.moveRunVersion), as a compare-and-set. */
import type { AuditEntry } from '@baton/core';
import { toRunRecord, versionMoveRefusal, type RunRow, type StoreHint, type VersionMove, type VersionMoveResult } from '@baton/core/store-kit';
import type { Statements } from '../connection/statements.js';
import { writeAudit } from '../access/write-audit.js';

/** Applies the move in the caller's write transaction, with its audit entry, or says why not. */
export function moveVersion(s: Statements, move: VersionMove, now: number, audit: AuditEntry | undefined, hints: StoreHint[]): VersionMoveResult {
  const row = s.getRun.get(move.runId) as RunRow | undefined;
  if (row === undefined) return { moved: false, reason: 'notFound' };
  const extent = s.journalExtent.get(move.runId) as { length: number; last: number };
  const reason = versionMoveRefusal(
    {
      status: row.status,
      version: row.version,
      updatedAt: row.updated_at,
      leaseOwner: row.lease_owner,
      journalLength: extent.length,
      lastSeq: extent.last,
    },
    move,
  );
  if (reason !== undefined) return { moved: false, reason };
  s.moveVersion.run({ id: move.runId, to: move.toVersion, now });
  writeAudit(s, audit);
  if (row.status === 'queued') hints.push({ type: 'ready', runId: move.runId });
  return { moved: true, run: toRunRecord(s.getRun.get(move.runId) as RunRow) };
}
