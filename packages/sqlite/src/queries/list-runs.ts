/** The run listing query: filters, newest first, keyset (cursor) pagination. */
import { decodeRunCursor, likeEscaped, type RunFilter } from '@baton/core';

export function listRunsQuery(filter: RunFilter): { sql: string; params: Record<string, unknown>; limit: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.workflow !== undefined) {
    where.push('workflow = @workflow');
    params.workflow = filter.workflow;
  }
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(`status IN (${statuses.map((_, i) => `@status${i}`).join(', ') || "''"})`);
    statuses.forEach((s, i) => (params[`status${i}`] = s));
  }
  if (filter.namespace !== undefined) {
    where.push('namespace = @namespace');
    params.namespace = filter.namespace;
  }
  if (filter.tag !== undefined) {
    where.push('tags IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = @tag)');
    params.tag = filter.tag;
  }
  if (filter.search !== undefined) {
    where.push("(id LIKE @search ESCAPE '\\' OR input LIKE @search ESCAPE '\\')");
    params.search = `%${likeEscaped(filter.search)}%`;
  }
  if (filter.parentId !== undefined) {
    where.push('parent_id = @parentId');
    params.parentId = filter.parentId;
  }
  if (filter.createdAfter !== undefined) {
    where.push('created_at >= @createdAfter');
    params.createdAfter = filter.createdAfter;
  }
  if (filter.createdBefore !== undefined) {
    where.push('created_at < @createdBefore');
    params.createdBefore = filter.createdBefore;
  }
  if (filter.cursor !== undefined) {
    const [createdAt, id] = decodeRunCursor(filter.cursor);
    where.push('(created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId))');
    params.cursorAt = createdAt;
    params.cursorId = id;
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 50)));
  params.limit = limit + 1;
  const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`;
  return { sql, params, limit };
}
