/** Rows of namespace_quotas to records (both stores use the same columns). */
import type { NamespaceQuota } from './quota-store.js';

export interface QuotaRow {
  namespace: string;
  runs_per_minute: number | null;
  concurrent_runs: number | null;
  model_spend_per_day_usd: number | null;
  updated_at: number | string;
  updated_by: string;
}

export function toQuota(row: QuotaRow): NamespaceQuota {
  const quota: NamespaceQuota = { namespace: row.namespace, updatedAt: Number(row.updated_at), updatedBy: row.updated_by };
  if (row.runs_per_minute !== null) quota.runsPerMinute = Number(row.runs_per_minute);
  if (row.concurrent_runs !== null) quota.concurrentRuns = Number(row.concurrent_runs);
  if (row.model_spend_per_day_usd !== null) quota.modelSpendPerDayUsd = Number(row.model_spend_per_day_usd);
  return quota;
}
