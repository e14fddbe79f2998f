/** The run listing query: filters, newest first, keyset (cursor) pagination. */
import type { RunFilter } from '@baton/core';
import { decodeRunCursor } from '@baton/core/store-kit';
import { SEARCH_INDEXED_RUNS, SEARCH_SCAN_CONDITION, searchLikePattern, searchPhrase, type SearchPlan } from './search.js';

export function listRunsQuery(filter: RunFilter, plan: SearchPlan = 'scan'): { sql: string; params: Record<string, unknown>; limit: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  let from = 'runs';
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
    // Through the index, its few hits are read and then filtered and sorted; by scanning, runs are
    // tested newest first until the page is full.
    if (plan === 'index') {
      from = `(${SEARCH_INDEXED_RUNS}) AS runs`;
      params.phrase = searchPhrase(filter.search);
    } else {
      where.push(SEARCH_SCAN_CONDITION);
    }
    params.like = searchLikePattern(filter.search);
  }
  if (filter.review !== undefined) {
    const resolved = 'EXISTS (SELECT 1 FROM run_reviews v WHERE v.run_id = runs.id AND v.failure_claim = runs.claims)';
    where.push(`status = 'failed' AND ${filter.review === 'open' ? 'NOT ' : ''}${resolved}`);
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
  const sql = `SELECT * FROM ${from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`;
  return { sql, params, limit };
}
