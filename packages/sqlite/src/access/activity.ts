/** Queries of the audit log and the change feed, built from their filters. */
import type { AuditFilter, ChangeFilter } from '@baton/core';

/** How many feed positions one read looks through at most, matching or not. */
export const CHANGE_WINDOW = 10_000;

export function listAuditQuery(filter: AuditFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: filter.limit };
  for (const key of ['namespace', 'actor', 'action', 'target', 'result'] as const) {
    if (filter[key] === undefined) continue;
    where.push(`${key} = @${key}`);
    params[key] = filter[key];
  }
  if (filter.since !== undefined) {
    where.push('at >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    where.push('at < @until');
    params.until = filter.until;
  }
  if (filter.before !== undefined) {
    where.push('id < @before');
    params.before = filter.before;
  }
  return { sql: `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`, params };
}

/** Changes after `after` and at most CHANGE_WINDOW positions on, oldest first. */
export function listChangesQuery(filter: ChangeFilter, after: number): { sql: string; params: Record<string, unknown> } {
  const where = ['id > @after', 'id <= @upTo'];
  const params: Record<string, unknown> = { after, upTo: after + CHANGE_WINDOW, limit: filter.limit };
  for (const [key, column] of [
    ['namespace', 'namespace'],
    ['runId', 'run_id'],
    ['workflow', 'workflow'],
  ] as const) {
    if (filter[key] === undefined) continue;
    where.push(`${column} = @${key}`);
    params[key] = filter[key];
  }
  return { sql: `SELECT * FROM changes WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`, params };
}
