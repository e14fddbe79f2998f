/** The claim query: due runs of the workflow versions an engine has loaded, by priority then readiness. */
import type { WorkflowRef } from '@baton/core';

export interface ClaimFilter {
  params: Record<string, string>;
  /** Current version per workflow name, pinned on runs created without a version. */
  current: Map<string, string>;
}

export function claimStatement(refs: WorkflowRef[]): { sql: string; filter: ClaimFilter } {
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
  const where = `(${clauses.join(' OR ')})`;
  // Queued runs are always due; waiting runs and running runs (expired leases) are due by ready_at.
  const sql = `SELECT id, workflow, priority, ready_at FROM (
      SELECT id, workflow, priority, ready_at FROM runs INDEXED BY runs_queued
      WHERE status = 'queued' AND ready_at <= @now AND ${where} ORDER BY priority DESC, ready_at ASC LIMIT @limit)
    UNION ALL
    SELECT id, workflow, priority, ready_at FROM (
      SELECT id, workflow, priority, ready_at FROM runs INDEXED BY runs_due
      WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at <= @now AND ${where} ORDER BY ready_at ASC LIMIT @limit)`;
  return { sql, filter: { params, current } };
}
