/** The approval inbox on PostgreSQL: waiting runs by when they began to wait (runs_waiting_since), with their claims. */
import type { InboxFilter } from '@baton/core';
import { decodeRunCursor } from '@baton/core/store-kit';

/** When a waiting run began to wait, as the index runs_waiting_since (migration 0031) has it. */
export const WAITING_SINCE = "COALESCE((waits::jsonb ->> 'since')::bigint, updated_at)";
const R_WAITING_SINCE = "COALESCE((r.waits::jsonb ->> 'since')::bigint, r.updated_at)";

export function listInboxQuery(filter: InboxFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown): string => `$${params.push(value)}`;
  const where = [
    "r.status = 'waiting'",
    "EXISTS (SELECT 1 FROM jsonb_array_elements_text(r.waits::jsonb -> 'signals') AS s(name) WHERE left(s.name, 1) <> '$')",
  ];
  if (filter.namespace !== undefined) where.push(`r.namespace = ${p(filter.namespace)}`);
  if (filter.cursor !== undefined) {
    const [since, id] = decodeRunCursor(filter.cursor);
    where.push(`(${R_WAITING_SINCE}, r.id) > (${p(since)}::bigint, ${p(id)})`);
  }
  const sql = `SELECT r.*, c.assignee AS claim_assignee, c.claimed_by AS claim_by, c.claimed_at AS claim_at
    FROM runs r LEFT JOIN inbox_claims c ON c.run_id = r.id
    WHERE ${where.join(' AND ')} ORDER BY ${R_WAITING_SINCE}, r.id LIMIT ${p(filter.limit + 1)}`;
  return { sql, params };
}

export const UPSERT_CLAIM = `INSERT INTO inbox_claims (run_id, assignee, claimed_by, claimed_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (run_id) DO UPDATE SET assignee = excluded.assignee, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at`;

export const RELEASE_CLAIM = 'DELETE FROM inbox_claims WHERE run_id = $1 RETURNING run_id';
