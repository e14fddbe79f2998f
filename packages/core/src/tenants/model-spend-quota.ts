/**
 * The seam between model calls and namespace quotas: a package that makes model calls for a run
 * (@baton/ai) calls `ensureModelSpendQuota` before each call that is not journaled yet. The day's
 * spend is read from the hourly counts, so the check costs two small reads.
 */
import type { Store } from '../store/store.js';
import { QuotaKind } from '../store/quota-store.js';
import { quotaExceeded } from './quota-errors.js';

const DAY_MS = 86_400_000;

/** The start of the UTC day of `now`, in ms. */
export function utcDayStart(now: number): number {
  return now - (now % DAY_MS);
}

/**
 * Throws BATON_QUOTA_EXCEEDED when the namespace of run `runId` has spent its model quota for the UTC
 * day of `now` (spend of model calls of the namespace's runs created that day).
 */
export async function ensureModelSpendQuota(store: Store, runId: string, now: number): Promise<void> {
  const run = await store.getRun(runId);
  if (run === undefined) return;
  const quota = await store.getQuota(run.namespace);
  const limit = quota?.modelSpendPerDayUsd;
  if (limit === undefined) return;
  const day = utcDayStart(now);
  const spent = await store.modelSpendSince(run.namespace, day);
  if (spent < limit) return;
  throw quotaExceeded(
    run.namespace,
    { quota: QuotaKind.ModelSpendPerDayUsd, limit, retryAt: day + DAY_MS },
    `Run ${runId} cannot call a model: $${spent.toFixed(4)} spent today.`,
    runId,
  );
}
