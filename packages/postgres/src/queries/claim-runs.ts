/**
 * The claim: due runs of the workflow versions an engine has loaded, locked with FOR UPDATE SKIP
 * LOCKED (so concurrent claimers never wait for or take the same run), by priority then readiness.
 */
import type { WorkflowRef } from '@baton/core';

export interface ClaimQuery {
  sql: string;
  params: unknown[];
}

export function claimQuery(refs: WorkflowRef[], owner: string, now: number, leaseMs: number, limit: number): ClaimQuery {
  const byName = new Map<string, { versions: string[]; current: string | undefined }>();
  for (const ref of refs) {
    const entry = byName.get(ref.name) ?? { versions: [], current: undefined };
    entry.versions.push(ref.version);
    if (ref.current === true) entry.current = ref.version;
    byName.set(ref.name, entry);
  }
  const params: unknown[] = [now, limit, owner, now + leaseMs];
  const p = (value: unknown): string => `$${params.push(value)}`;
  const clauses: string[] = [];
  const currentCases: string[] = [];
  for (const [name, { versions, current }] of byName) {
    const all = current === undefined ? versions : [...versions, ''];
    clauses.push(`(workflow = ${p(name)} AND version = ANY(${p(all)}::text[]))`);
    if (current !== undefined) currentCases.push(`WHEN ${p(name)} THEN ${p(current)}`);
  }
  const where = `(${clauses.join(' OR ')})`;
  const pinVersion =
    currentCases.length === 0 ? 'version' : `CASE WHEN version = '' THEN CASE workflow ${currentCases.join(' ')} ELSE version END ELSE version END`;
  const sql = `
    WITH queued AS (
      SELECT id, priority, ready_at FROM runs
      WHERE status = 'queued' AND ready_at <= $1 AND ${where}
      ORDER BY priority DESC, ready_at ASC LIMIT $2 FOR UPDATE SKIP LOCKED
    ), due AS (
      SELECT id, priority, ready_at FROM runs
      WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at <= $1 AND ${where}
      ORDER BY ready_at ASC LIMIT $2 FOR UPDATE SKIP LOCKED
    ), candidates AS (
      SELECT * FROM queued UNION ALL SELECT * FROM due
    ), picked AS (
      SELECT id, priority, ready_at FROM candidates ORDER BY priority DESC, ready_at ASC LIMIT $2
    )
    UPDATE runs r SET status = 'running', lease_owner = $3, lease_token = gen_random_uuid()::text,
      lease_expires_at = $4, ready_at = $4, claims = r.claims + 1, started_at = COALESCE(r.started_at, $1),
      updated_at = $1, version = ${pinVersion}
    FROM picked p WHERE r.id = p.id
    RETURNING r.*, p.ready_at AS picked_ready_at`;
  return { sql, params };
}
