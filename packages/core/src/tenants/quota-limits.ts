/** Checks of quota limits given by an admin: whole numbers for counts, a non-negative amount for spend. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { NamespaceQuotaLimits } from '../store/quota-store.js';

const NAMESPACE = /^[A-Za-z0-9._:/@-]{1,100}$/;

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, `${message} The quota was not changed.`, { retryable: false });
}

export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) throw invalid('A namespace is 1-100 letters, digits and . _ : / @ -.');
}

/** The limits given, checked and with absent ones left out. */
export function checkQuotaLimits(limits: NamespaceQuotaLimits): NamespaceQuotaLimits {
  const out: NamespaceQuotaLimits = {};
  for (const key of ['runsPerMinute', 'concurrentRuns'] as const) {
    const value = limits[key];
    if (value === undefined || value === null) continue;
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${key} must be a whole number, 0 or more, not ${String(value)}.`);
    out[key] = value;
  }
  const spend = limits.modelSpendPerDayUsd;
  if (spend !== undefined && spend !== null) {
    if (typeof spend !== 'number' || !Number.isFinite(spend) || spend < 0) {
      throw invalid(`modelSpendPerDayUsd must be an amount in USD, 0 or more, not ${String(spend)}.`);
    }
    out.modelSpendPerDayUsd = spend;
  }
  return out;
}
