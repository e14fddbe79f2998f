/** Durations, back-off maths and the manual clock. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, ManualClock, backoffDelay, resolveRetryPolicy, shouldRetry, TerminalError, toMillis } from '@baton/core';

describe('toMillis', () => {
  it('parses numbers and human durations', () => {
    expect(toMillis(250)).toBe(250);
    expect(toMillis('250')).toBe(250);
    expect(toMillis('90s')).toBe(90_000);
    expect(toMillis('5 minutes')).toBe(300_000);
    expect(toMillis('3 days')).toBe(259_200_000);
    expect(toMillis('1h 30m')).toBe(5_400_000);
    expect(toMillis('2 weeks, 1 day')).toBe(15 * 86_400_000);
    expect(toMillis('1.5s')).toBe(1500);
  });

  it('rejects anything else with BATON_INVALID_ARGUMENT', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '', 'soon', '3 fortnights', '5 m x', {} as never]) {
      expect(() => toMillis(bad as never)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    }
  });
});

describe('retry policy', () => {
  it('grows the delay by the coefficient up to the maximum, with bounded jitter', () => {
    const policy = resolveRetryPolicy({ initialInterval: '1s', backoffCoefficient: 3, maxInterval: '20s', jitter: 0 });
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, 0.5))).toEqual([1000, 3000, 9000, 20_000]);
    const jittery = resolveRetryPolicy({ initialInterval: 1000, jitter: 0.2 });
    expect(backoffDelay(jittery, 1, 0)).toBe(800);
    expect(backoffDelay(jittery, 1, 0.999_999)).toBe(1200);
  });

  it('stops at maxAttempts, at terminal errors and at non-retryable names', () => {
    const policy = resolveRetryPolicy({ maxAttempts: 3, nonRetryableErrors: ['CardDeclined'] });
    expect(shouldRetry(policy, 1, new Error('x'))).toBe(true);
    expect(shouldRetry(policy, 3, new Error('x'))).toBe(false);
    expect(shouldRetry(policy, 1, new TerminalError('no'))).toBe(false);
    expect(shouldRetry(policy, 1, Object.assign(new Error('no'), { name: 'CardDeclined' }))).toBe(false);
    expect(shouldRetry(policy, 1, { retryable: false })).toBe(false);
  });

  it('rejects an invalid duration in a policy', () => {
    expect(() => resolveRetryPolicy({ initialInterval: 'whenever' })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});

describe('ManualClock', () => {
  it('fires due timers in time order as it advances, and not cancelled ones', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('b'));
    clock.setTimer(10, () => {
      fired.push('a');
      clock.setTimer(5, () => fired.push('a2'));
    });
    const cancelled = clock.setTimer(20, () => fired.push('never'));
    cancelled.cancel();
    clock.advance(29);
    expect(fired).toEqual(['a', 'a2']);
    expect(clock.now()).toBe(1029);
    clock.advance(1);
    expect(fired).toEqual(['a', 'a2', 'b']);
    expect(clock.pendingTimers).toBe(0);
  });
});
