/** The approval inbox on SQLite: waiting runs by when they began to wait (runs_waiting), with their claims. */
import { type InboxFilter } from '@baton/core';
import { decodeRunCursor } from '@baton/core/store-kit';

export function listInboxQuery(filter: InboxFilter): { sql: string; params: Record<string, unknown> } {
  const where = ["r.status = 'waiting'", "EXISTS (SELECT 1 FROM json_each(r.waits, '$.signals') WHERE substr(value, 1, 1) <> '$')"];
  const params: Record<string, unknown> = { limit: filter.limit + 1 };
  if (filter.namespace !== undefined) {
    where.push('r.namespace = @namespace');
    params.namespace = filter.namespace;
  }
  if (filter.cursor !== undefined) {
    const [since, id] = decodeRunCursor(filter.cursor);
    where.push('(r.updated_at > @cursorAt OR (r.updated_at = @cursorAt AND r.id > @cursorId))');
    params.cursorAt = since;
    params.cursorId = id;
  }
  const sql = `SELECT r.*, c.assignee AS claim_assignee, c.claimed_by AS claim_by, c.claimed_at AS claim_at
    FROM runs r INDEXED BY runs_waiting LEFT JOIN inbox_claims c ON c.run_id = r.id
    WHERE ${where.join(' AND ')} ORDER BY r.updated_at, r.id LIMIT @limit`;
  return { sql, params };
}

export const UPSERT_CLAIM = `INSERT INTO inbox_claims (run_id, assignee, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (run_id) DO UPDATE SET assignee = excluded.assignee, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at`;
