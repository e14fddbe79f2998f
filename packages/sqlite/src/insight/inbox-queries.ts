/** The approval inbox on SQLite: waiting runs by when they began to wait (runs_waiting_since), with their claims. */
import type { InboxFilter } from '@baton/core';
import { decodeRunCursor } from '@baton/core/store-kit';

/** When a waiting run began to wait, exactly as the index runs_waiting_since (migration 0028) has it. */
export const WAITING_SINCE = "COALESCE(json_extract(waits, '$.since'), updated_at)";
const R_WAITING_SINCE = "COALESCE(json_extract(r.waits, '$.since'), r.updated_at)";

export function listInboxQuery(filter: InboxFilter): { sql: string; params: Record<string, unknown> } {
  const where = ["r.status = 'waiting'", "EXISTS (SELECT 1 FROM json_each(r.waits, '$.signals') WHERE substr(value, 1, 1) <> '$')"];
  const params: Record<string, unknown> = { limit: filter.limit + 1 };
  if (filter.namespace !== undefined) {
    where.push('r.namespace = @namespace');
    params.namespace = filter.namespace;
  }
  if (filter.cursor !== undefined) {
    const [since, id] = decodeRunCursor(filter.cursor);
    where.push(`(${R_WAITING_SINCE} > @cursorAt OR (${R_WAITING_SINCE} = @cursorAt AND r.id > @cursorId))`);
    params.cursorAt = since;
    params.cursorId = id;
  }
  const sql = `SELECT r.*, c.assignee AS claim_assignee, c.claimed_by AS claim_by, c.claimed_at AS claim_at
    FROM runs r INDEXED BY runs_waiting_since LEFT JOIN inbox_claims c ON c.run_id = r.id
    WHERE ${where.join(' AND ')} ORDER BY ${R_WAITING_SINCE}, r.id LIMIT @limit`;
  return { sql, params };
}

export const UPSERT_CLAIM = `INSERT INTO inbox_claims (run_id, assignee, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (run_id) DO UPDATE SET assignee = excluded.assignee, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at`;
