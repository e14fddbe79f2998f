/** Retry policies and back-off maths for steps. */
import { isTerminalError } from '../errors/errors.js';
import { toMillis, type Duration } from '../time/duration.js';

export interface RetryPolicy {
  /** Total attempts including the first. Default 3; use Infinity to retry until success. */
  maxAttempts?: number;
  /** Delay before the second attempt. Default '1s'. */
  initialInterval?: Duration;
  /** Each delay is the previous one times this. Default 2. */
  backoffCoefficient?: number;
  /** Upper bound of a delay. Default '5 minutes'. */
  maxInterval?: Duration;
  /** Random spread of each delay, as a fraction (0.2 = ±20%). Default 0.1. */
  jitter?: number;
  /** Error names (error.name) that fail the step at once, without further attempts. */
  nonRetryableErrors?: string[];
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  jitter: number;
  nonRetryableErrors: readonly string[];
}

export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 300_000,
  jitter: 0.1,
  nonRetryableErrors: [],
};

/** Merges policies from most general to most specific (engine default, workflow, step). */
export function resolveRetryPolicy(...policies: (RetryPolicy | undefined)[]): ResolvedRetryPolicy {
  let out = DEFAULT_RETRY_POLICY;
  for (const p of policies) {
    if (p === undefined) continue;
    out = {
      maxAttempts: p.maxAttempts ?? out.maxAttempts,
      initialIntervalMs: p.initialInterval === undefined ? out.initialIntervalMs : toMillis(p.initialInterval, 'retry initialInterval'),
      backoffCoefficient: p.backoffCoefficient ?? out.backoffCoefficient,
      maxIntervalMs: p.maxInterval === undefined ? out.maxIntervalMs : toMillis(p.maxInterval, 'retry maxInterval'),
      jitter: p.jitter ?? out.jitter,
      nonRetryableErrors: p.nonRetryableErrors ?? out.nonRetryableErrors,
    };
  }
  return out;
}

/** Should a failed attempt be tried again? */
export function shouldRetry(policy: ResolvedRetryPolicy, attempt: number, error: unknown): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (isTerminalError(error)) return false;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return !(typeof name === 'string' && policy.nonRetryableErrors.includes(name));
}

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed. `random` is a value in [0, 1) from the
 * engine's seeded source, so back-offs are reproducible in tests.
 */
export function backoffDelay(policy: ResolvedRetryPolicy, attempt: number, random: number): number {
  const base = Math.min(policy.maxIntervalMs, policy.initialIntervalMs * policy.backoffCoefficient ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter * (random * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
