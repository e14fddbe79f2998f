/** The run listing query: filters, newest first, keyset (cursor) pagination. */
import type { RunFilter } from '@baton/core';
import { decodeRunCursor, likeEscaped } from '@baton/core/store-kit';

export function listRunsQuery(filter: RunFilter): { sql: string; params: unknown[]; limit: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => `$${params.push(value)}`;
  if (filter.workflow !== undefined) where.push(`workflow = ${p(filter.workflow)}`);
  if (filter.status !== undefined) where.push(`status = ANY(${p(Array.isArray(filter.status) ? filter.status : [filter.status])}::text[])`);
  if (filter.namespace !== undefined) where.push(`namespace = ${p(filter.namespace)}`);
  if (filter.tag !== undefined) where.push(`tags IS NOT NULL AND tags::jsonb ? ${p(filter.tag)}`);
  if (filter.search !== undefined) {
    // run_search holds each run's id and the start of its input, with trigram indexes (migration 0011).
    const pattern = p(`%${likeEscaped(filter.search)}%`);
    where.push(`EXISTS (SELECT 1 FROM run_search s WHERE s.run_id = runs.id AND (s.run_id ILIKE ${pattern} OR s.input_head ILIKE ${pattern}))`);
  }
  if (filter.review !== undefined) {
    const resolved = 'EXISTS (SELECT 1 FROM run_reviews v WHERE v.run_id = runs.id AND v.failure_claim = runs.claims)';
    where.push(`status = 'failed' AND ${filter.review === 'open' ? 'NOT ' : ''}${resolved}`);
  }
  if (filter.parentId !== undefined) where.push(`parent_id = ${p(filter.parentId)}`);
  if (filter.createdAfter !== undefined) where.push(`created_at >= ${p(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${p(filter.createdBefore)}`);
  if (filter.cursor !== undefined) {
    const [createdAt, id] = decodeRunCursor(filter.cursor);
    where.push(`(created_at, id) < (${p(createdAt)}, ${p(id)})`);
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 50)));
  const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${p(limit + 1)}`;
  return { sql, params, limit };
}
