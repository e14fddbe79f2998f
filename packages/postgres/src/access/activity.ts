/**
 * Queries of the audit log and the change feed (PostgreSQL). The feed's position is (xid, id): ids
 * come from a sequence in insert order, not commit order, so a reader takes only rows of
 * transactions older than every one still running (pg_snapshot_xmin) and orders by (xid, id); a row
 * that commits later has an xid at or past that horizon, so it always sorts after what was read.
 */
import { BatonError, ErrorCode, type AuditFilter, type ChangeFilter } from '@baton/core';
import { AUDIT_COLUMNS } from '@baton/core/store-kit';

/** An INSERT of an audit entry (its values from parameter `$first` on) only if `source` has a row. */
export function auditIfAny(source: string, first: number): string {
  const values = Array.from({ length: 7 }, (_, i) => `$${first + i}`).join(', ');
  return `INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT ${values} WHERE EXISTS (SELECT 1 FROM ${source})`;
}

export function listAuditQuery(filter: AuditFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => `$${params.push(value)}`;
  for (const key of ['namespace', 'actor', 'action', 'target', 'result'] as const) {
    if (filter[key] !== undefined) where.push(`${key} = ${p(filter[key])}`);
  }
  if (filter.since !== undefined) where.push(`at >= ${p(filter.since)}`);
  if (filter.until !== undefined) where.push(`at < ${p(filter.until)}`);
  if (filter.before !== undefined) where.push(`id < ${p(filter.before)}`);
  return { sql: `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${p(filter.limit)}`, params };
}

/** A feed position: (transaction id, change id). */
export type ChangePosition = [bigint, bigint];

export function parsePosition(cursor: string): ChangePosition {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(cursor);
  if (match === null) {
    throw new BatonError(ErrorCode.InvalidArgument, `Not a change cursor of this store: ${JSON.stringify(cursor.slice(0, 50))}.`, { retryable: false });
  }
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

export function positionText([xid, id]: ChangePosition): string {
  return `${xid}.${id}`;
}

export function positionBefore(a: ChangePosition, b: ChangePosition): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * The changes after `after` that no later commit can precede, oldest first; every row also carries
 * the horizon (xmin) and how far the feed was pruned. With no change to return, one row of NULLs does.
 */
export function listChangesQuery(filter: ChangeFilter, after: ChangePosition): { sql: string; params: unknown[] } {
  const params: unknown[] = [after[0].toString(), after[1].toString()];
  const p = (value: unknown): string => `$${params.push(value)}`;
  const where = ['(c.xid, c.id) > ($1::xid8, $2::bigint)', 'c.xid < h.xmin'];
  if (filter.namespace !== undefined) where.push(`c.namespace = ${p(filter.namespace)}`);
  if (filter.runId !== undefined) where.push(`c.run_id = ${p(filter.runId)}`);
  if (filter.workflow !== undefined) where.push(`c.workflow = ${p(filter.workflow)}`);
  const sql = `SELECT c.*, c.xid::text AS position_xid, h.xmin::text AS horizon, pr.xid::text AS pruned_xid, pr.id AS pruned_id
    FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) h
    LEFT JOIN changes_pruned pr ON true
    LEFT JOIN LATERAL (SELECT * FROM changes c WHERE ${where.join(' AND ')} ORDER BY c.xid, c.id LIMIT ${p(filter.limit)}) c ON true
    ORDER BY c.xid, c.id`;
  return { sql, params };
}

/** Deletes up to 5,000 of the oldest changes older than `$1` (a time), recording how far the feed was pruned. */
export const PRUNE_CHANGES = `WITH boundary AS (SELECT id FROM changes WHERE at >= $1 ORDER BY id LIMIT 1),
  deleted AS (
    DELETE FROM changes WHERE id IN (
      SELECT id FROM changes WHERE id < COALESCE((SELECT id FROM boundary), 9223372036854775807) ORDER BY id LIMIT 5000)
    RETURNING xid, id),
  last AS (SELECT xid, id FROM deleted ORDER BY xid DESC, id DESC LIMIT 1),
  noted AS (
    INSERT INTO changes_pruned (xid, id) SELECT xid, id FROM last
    ON CONFLICT (one) DO UPDATE SET xid = excluded.xid, id = excluded.id
      WHERE (changes_pruned.xid, changes_pruned.id) < (excluded.xid, excluded.id))
  SELECT COUNT(*)::int AS n FROM deleted`;
