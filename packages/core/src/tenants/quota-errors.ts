/** The error a namespace's quota gives: which quota, its limit, and when it frees. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { QuotaKind, type QuotaRefusal } from '../store/quota-store.js';

const WHAT: Record<QuotaKind, string> = {
  [QuotaKind.RunsPerMinute]: 'runs started per minute',
  [QuotaKind.ConcurrentRuns]: 'runs not yet ended at once',
  [QuotaKind.ModelSpendPerDayUsd]: 'USD of model spend per UTC day',
};

const WHEN: Record<QuotaKind, string> = {
  [QuotaKind.RunsPerMinute]: 'start again then',
  [QuotaKind.ConcurrentRuns]: 'start again when one of its runs ends, or ask an admin to raise the quota',
  [QuotaKind.ModelSpendPerDayUsd]: 'model calls can be made again then, or ask an admin to raise the quota',
};

/** BATON_QUOTA_EXCEEDED for `namespace`; retryable, since the quota frees with time. */
export function quotaExceeded(namespace: string, refusal: QuotaRefusal, what: string, runId?: string): BatonError {
  const frees = refusal.retryAt === undefined ? '' : ` It frees at ${new Date(refusal.retryAt).toISOString()}:`;
  return new BatonError(
    ErrorCode.QuotaExceeded,
    `${what} Namespace '${namespace}' is at its quota of ${refusal.limit} ${WHAT[refusal.quota]}.${frees} ${WHEN[refusal.quota]}.`,
    {
      retryable: true,
      ...(runId === undefined ? {} : { runId }),
      details: { namespace, quota: refusal.quota, limit: refusal.limit, ...(refusal.retryAt === undefined ? {} : { retryAt: refusal.retryAt }) },
    },
  );
}
