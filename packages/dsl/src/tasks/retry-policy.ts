/**
 * The DSL's retry policies (`try.catch.retry`, inline or named in `use.retries`): whether another
 * attempt is allowed (`when`/`exceptWhen`, `limit.attempt.count`, `limit.attempt.duration`,
 * `limit.duration`) and how long to wait first (`delay` with a constant, linear or exponential
 * `backoff`, plus `jitter`).
 */
import { durationMs } from '../runtime/duration.js';
import type { Evaluator, Scope } from '../runtime/evaluator.js';
import { standardFault } from '../runtime/workflow-fault.js';

export interface RetrySpec {
  when?: string;
  exceptWhen?: string;
  delay?: unknown;
  backoff?: { constant?: object; linear?: object; exponential?: object };
  limit?: { attempt?: { count?: number; duration?: unknown }; duration?: unknown };
  jitter?: { from?: unknown; to?: unknown };
}

/** The policy itself, resolving a name through `use.retries`. */
export function resolveRetry(retry: unknown, declared: Record<string, unknown> | undefined): RetrySpec {
  if (typeof retry !== 'string') return retry as RetrySpec;
  const named = declared?.[retry];
  if (named === undefined) throw standardFault('configuration', `The retry policy '${retry}' is not declared in use.retries.`);
  return named as RetrySpec;
}

export interface RetryState {
  /** The attempt that just failed (1 for the first). */
  attempt: number;
  /** Milliseconds since the first attempt started, and since this attempt started. */
  elapsedMs: number;
  attemptElapsedMs: number;
  /** A number in [0, 1) for the jitter. */
  random: number;
}

/** The delay before the next attempt, or undefined when the policy allows no more. */
export async function nextDelay(policy: RetrySpec, state: RetryState, evaluator: Evaluator, error: unknown, scope: Scope): Promise<number | undefined> {
  if (policy.when !== undefined && !(await evaluator.test(policy.when, error, scope))) return undefined;
  if (policy.exceptWhen !== undefined && (await evaluator.test(policy.exceptWhen, error, scope))) return undefined;
  const count = policy.limit?.attempt?.count;
  // `count` is the number of retry attempts allowed after the first.
  if (count !== undefined && state.attempt > count) return undefined;
  if (policy.limit?.attempt?.duration !== undefined && state.attemptElapsedMs >= durationMs(policy.limit.attempt.duration, 'retry.limit.attempt.duration'))
    return undefined;
  const base = policy.delay === undefined ? 0 : durationMs(policy.delay, 'retry.delay');
  let delay = base;
  if (policy.backoff?.linear !== undefined) delay = base * state.attempt;
  else if (policy.backoff?.exponential !== undefined) delay = base * 2 ** (state.attempt - 1);
  if (policy.jitter !== undefined) {
    const from = policy.jitter.from === undefined ? 0 : durationMs(policy.jitter.from, 'retry.jitter.from');
    const to = policy.jitter.to === undefined ? from : durationMs(policy.jitter.to, 'retry.jitter.to');
    delay += from + Math.floor(state.random * Math.max(0, to - from));
  }
  if (policy.limit?.duration !== undefined && state.elapsedMs + delay >= durationMs(policy.limit.duration, 'retry.limit.duration')) return undefined;
  return delay;
}
