/**
 * The claim queries: due runs of the workflow versions an engine has loaded (and of the queues it
 * serves), by priority then readiness. Runs under a limit are left to the flow-control claim, which
 * reads them as candidates and admits only what their limits allow.
 */
import type { WorkflowRef } from '@baton/core/store-kit';

export interface ClaimFilter {
  params: Record<string, string>;
  /** Current version per workflow name, pinned on runs created without a version. */
  current: Map<string, string>;
}

const LIMITED_QUEUES = 'SELECT name FROM queues WHERE concurrency IS NOT NULL OR rate_limit IS NOT NULL';

function claimFilter(refs: WorkflowRef[], queues: string[] | undefined): { where: string; filter: ClaimFilter } {
  const byName = new Map<string, string[]>();
  const current = new Map<string, string>();
  for (const ref of refs) {
    const versions = byName.get(ref.name) ?? [];
    versions.push(ref.version);
    byName.set(ref.name, versions);
    if (ref.current === true) current.set(ref.name, ref.version);
  }
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  for (const [name, versions] of byName) {
    const n = clauses.length;
    const all = current.has(name) ? [...versions, ''] : versions;
    params[`w${n}`] = name;
    all.forEach((version, i) => (params[`w${n}v${i}`] = version));
    clauses.push(`(workflow = @w${n} AND version IN (${all.map((_, i) => `@w${n}v${i}`).join(', ')}))`);
  }
  let where = `(${clauses.join(' OR ')})`;
  if (queues !== undefined) {
    queues.forEach((queue, i) => (params[`q${i}`] = queue));
    where += ` AND queue IN (${queues.map((_, i) => `@q${i}`).join(', ')})`;
  }
  return { where, filter: { params, current } };
}

/** Unlimited due runs: queued runs by priority, and waiting or lease-expired runs by readiness. */
export function claimStatement(refs: WorkflowRef[], queues?: string[]): { sql: string; filter: ClaimFilter } {
  const { where, filter } = claimFilter(refs, queues);
  const unlimited = `concurrency_key IS NULL AND rate_key IS NULL AND queue NOT IN (${LIMITED_QUEUES})`;
  const sql = `SELECT id, workflow, priority, ready_at FROM (
      SELECT id, workflow, priority, ready_at FROM runs INDEXED BY runs_queued
      WHERE status = 'queued' AND ready_at <= @now AND ${where} AND ${unlimited} ORDER BY priority DESC, ready_at ASC LIMIT @limit)
    UNION ALL
    SELECT id, workflow, priority, ready_at FROM (
      SELECT id, workflow, priority, ready_at FROM runs INDEXED BY runs_due
      WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at <= @now AND ${where} AND ${unlimited} ORDER BY ready_at ASC LIMIT @limit)`;
  return { sql, filter };
}

/**
 * Due runs under a limit, in claim order. Per concurrency key and per limited queue only as many
 * as the limit could ever admit are read, so a long line of runs for one key never hides the others.
 */
export function limitedCandidatesStatement(refs: WorkflowRef[], queues?: string[]): { sql: string; filter: ClaimFilter } {
  const { where, filter } = claimFilter(refs, queues);
  const sql = `SELECT id, workflow, queue, status, claims, concurrency_key, concurrency_limit, rate_key, rate_limit FROM (
      SELECT r.id, r.workflow, r.queue, r.status, r.claims, r.priority, r.ready_at, r.concurrency_key, r.concurrency_limit, r.rate_key, r.rate_limit,
        q.concurrency AS queue_limit,
        ROW_NUMBER() OVER (PARTITION BY COALESCE(r.concurrency_key, r.id) ORDER BY r.priority DESC, r.ready_at, r.id) AS key_rank,
        ROW_NUMBER() OVER (PARTITION BY r.queue ORDER BY r.priority DESC, r.ready_at, r.id) AS queue_rank
      FROM runs r LEFT JOIN queues q ON q.name = r.queue
      WHERE r.ready_at IS NOT NULL AND r.ready_at <= @now AND ${where}
        AND (r.concurrency_key IS NOT NULL OR r.rate_key IS NOT NULL OR q.concurrency IS NOT NULL OR q.rate_limit IS NOT NULL))
    WHERE (concurrency_limit IS NULL OR key_rank <= concurrency_limit OR status = 'running')
      AND (queue_limit IS NULL OR queue_rank <= queue_limit OR status = 'running')
    ORDER BY priority DESC, ready_at, id LIMIT @scan`;
  return { sql, filter };
}
