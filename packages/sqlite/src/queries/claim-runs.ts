/** The claim query: ready runs of the workflow versions an engine has loaded, by priority then age. */
import type { WorkflowRef } from '@baton/core';

export interface ClaimFilter {
  params: string[];
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
  const params: string[] = [];
  for (const [name, versions] of byName) {
    const all = current.has(name) ? [...versions, ''] : versions;
    clauses.push(`(workflow = ? AND version IN (${all.map(() => '?').join(', ')}))`);
    params.push(name, ...all);
  }
  const sql = `SELECT id, workflow FROM runs INDEXED BY runs_claim
    WHERE ready_at IS NOT NULL AND ready_at <= ? AND (${clauses.join(' OR ')})
    ORDER BY priority DESC, ready_at ASC LIMIT ?`;
  return { sql, filter: { params, current } };
}
