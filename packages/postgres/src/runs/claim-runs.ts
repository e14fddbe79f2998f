/**
 * The claims: due runs of the workflow versions an engine has loaded (and of the queues it serves),
 * by priority then readiness. Unlimited runs are claimed in one statement, locked with FOR UPDATE
 * SKIP LOCKED (so concurrent claimers never wait for or take the same run). Runs under a limit are
 * left to the flow-control claim: it reads them as candidates and admits what their limits allow.
 */
import type { WorkflowRef } from '@baton/core/store-kit';

export interface ClaimQuery {
  sql: string;
  params: unknown[];
}

/** Queues whose runs only the flow-control claim may admit. */
export const LIMITED_QUEUES = 'SELECT name FROM queues WHERE concurrency IS NOT NULL OR rate_limit IS NOT NULL';

function byName(refs: WorkflowRef[]): Map<string, { versions: string[]; current: string | undefined }> {
  const map = new Map<string, { versions: string[]; current: string | undefined }>();
  for (const ref of refs) {
    const entry = map.get(ref.name) ?? { versions: [], current: undefined };
    entry.versions.push(ref.version);
    if (ref.current === true) entry.current = ref.version;
    map.set(ref.name, entry);
  }
  return map;
}

/** The workflow (and queue) filter, with its parameters appended to `params`. */
function claimFilter(refs: WorkflowRef[], queues: string[] | undefined, params: unknown[]): string {
  const p = (value: unknown): string => `$${params.push(value)}`;
  const clauses: string[] = [];
  for (const [name, { versions, current }] of byName(refs)) {
    const all = current === undefined ? versions : [...versions, ''];
    clauses.push(`(workflow = ${p(name)} AND version = ANY(${p(all)}::text[]))`);
  }
  let where = `(${clauses.join(' OR ')})`;
  if (queues !== undefined) where += ` AND queue = ANY(${p(queues)}::text[])`;
  return where;
}

/** Pins runs created without a version to the current one, with its parameters appended to `params`. */
function pinVersion(refs: WorkflowRef[], params: unknown[]): string {
  const p = (value: unknown): string => `$${params.push(value)}`;
  const cases: string[] = [];
  for (const [name, { current }] of byName(refs)) if (current !== undefined) cases.push(`WHEN ${p(name)}::text THEN ${p(current)}::text`);
  return cases.length === 0 ? 'version' : `CASE WHEN version = '' THEN CASE workflow ${cases.join(' ')} ELSE version END ELSE version END`;
}

const CLAIM_SET = (pinVersion: string) => `status = 'running', lease_owner = $3, lease_token = gen_random_uuid()::text,
      lease_expires_at = $4, ready_at = $4, claims = r.claims + 1, started_at = COALESCE(r.started_at, $1),
      updated_at = $1, version = ${pinVersion}`;

export function claimQuery(refs: WorkflowRef[], owner: string, now: number, leaseMs: number, limit: number, queues?: string[]): ClaimQuery {
  const params: unknown[] = [now, limit, owner, now + leaseMs];
  const where = claimFilter(refs, queues, params);
  const pin = pinVersion(refs, params);
  const unlimited = `concurrency_key IS NULL AND rate_key IS NULL AND queue NOT IN (${LIMITED_QUEUES})`;
  const sql = `
    WITH queued AS (
      SELECT id, priority, ready_at FROM runs
      WHERE status = 'queued' AND ready_at <= $1 AND ${where} AND ${unlimited}
      ORDER BY priority DESC, ready_at ASC LIMIT $2 FOR UPDATE SKIP LOCKED
    ), due AS (
      SELECT id, priority, ready_at FROM runs
      WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at <= $1 AND ${where} AND ${unlimited}
      ORDER BY ready_at ASC LIMIT $2 FOR UPDATE SKIP LOCKED
    ), candidates AS (
      SELECT * FROM queued UNION ALL SELECT * FROM due
    ), picked AS (
      SELECT id, priority, ready_at FROM candidates ORDER BY priority DESC, ready_at ASC LIMIT $2
    )
    UPDATE runs r SET ${CLAIM_SET(pin)}
    FROM picked p WHERE r.id = p.id
    RETURNING r.*, p.ready_at AS picked_ready_at`;
  return { sql, params };
}

/**
 * Due runs under a limit, in claim order. Per concurrency key and per limited queue only as many as
 * the limit could ever admit are read, so a long line of runs for one key never hides the others.
 * $1 now, $2 how many to read.
 */
export function limitedCandidatesQuery(refs: WorkflowRef[], now: number, scan: number, queues?: string[]): ClaimQuery {
  const params: unknown[] = [now, scan];
  const where = claimFilter(refs, queues, params);
  const sql = `
    SELECT id, workflow, queue, status, claims, concurrency_key, concurrency_limit, rate_key, rate_limit FROM (
      SELECT r.id, r.workflow, r.queue, r.status, r.claims, r.priority, r.ready_at, r.concurrency_key, r.concurrency_limit, r.rate_key, r.rate_limit,
        q.concurrency AS queue_limit,
        ROW_NUMBER() OVER (PARTITION BY COALESCE(r.concurrency_key, r.id) ORDER BY r.priority DESC, r.ready_at, r.id) AS key_rank,
        ROW_NUMBER() OVER (PARTITION BY r.queue ORDER BY r.priority DESC, r.ready_at, r.id) AS queue_rank
      FROM runs r LEFT JOIN queues q ON q.name = r.queue
      WHERE r.ready_at IS NOT NULL AND r.ready_at <= $1 AND ${where}
        AND (r.concurrency_key IS NOT NULL OR r.rate_key IS NOT NULL OR q.concurrency IS NOT NULL OR q.rate_limit IS NOT NULL)) c
    WHERE (concurrency_limit IS NULL OR key_rank <= concurrency_limit OR status = 'running')
      AND (queue_limit IS NULL OR queue_rank <= queue_limit OR status = 'running')
    ORDER BY priority DESC, ready_at, id LIMIT $2`;
  return { sql, params };
}

/** Claims the admitted runs (still due) by id. */
export function claimByIdQuery(refs: WorkflowRef[], owner: string, now: number, leaseMs: number, ids: string[]): ClaimQuery {
  const params: unknown[] = [now, ids, owner, now + leaseMs];
  const pin = pinVersion(refs, params);
  const sql = `UPDATE runs r SET ${CLAIM_SET(pin)}
    WHERE r.id = ANY($2::text[]) AND r.ready_at IS NOT NULL AND r.ready_at <= $1::bigint
    RETURNING r.*, r.ready_at AS picked_ready_at`;
  return { sql, params };
}
