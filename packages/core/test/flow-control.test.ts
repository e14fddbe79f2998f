/** The flow-control decisions every store shares: the rate limiter and the admission of limited runs. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, defineQueue, defineWorkflow, seededRandom, type RateLimit } from '@baton/core';
import { admitRuns, rateDecision, type FlowCandidate } from '@baton/core/store-kit';

/** Feeds `times` (sorted) through one limiter; returns the times each event was allowed at (held ones retry when told). */
function drive(rate: RateLimit, arrivals: number[]): number[] {
  let tat: number | undefined;
  const allowed: number[] = [];
  for (const arrival of arrivals) {
    let at = Math.max(arrival, allowed[allowed.length - 1] ?? -Infinity);
    for (;;) {
      const d = rateDecision(tat, rate, at);
      if (d.allowed) {
        tat = d.tat;
        allowed.push(at);
        break;
      }
      expect(d.retryAt).toBeGreaterThan(at);
      at = d.retryAt;
    }
  }
  return allowed;
}

const candidate = (id: string, extra: Partial<FlowCandidate> = {}): FlowCandidate => ({
  id,
  queue: 'default',
  status: 'queued',
  claims: 0,
  concurrencyKey: null,
  concurrencyLimit: null,
  rateKey: null,
  rate: null,
  ...extra,
});

describe('rate limiter', () => {
  it('spreads events evenly: never more than `limit` in any window of `period`', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const rate: RateLimit = { limit: 1 + Math.floor(random() * 10), periodMs: 1000 + Math.floor(random() * 9000) };
      const arrivals = Array.from({ length: 60 }, () => Math.floor(random() * 20_000)).sort((a, b) => a - b);
      const allowed = drive(rate, arrivals);
      for (let i = 0; i + rate.limit < allowed.length; i++) expect(allowed[i + rate.limit]! - allowed[i]!).toBeGreaterThanOrEqual(rate.periodMs);
    }
  });

  it('lets a burst go at once after an idle spell, then holds to the rate', () => {
    const rate: RateLimit = { limit: 4, periodMs: 4000, burst: 3 };
    expect(drive(rate, [0, 0, 0, 0, 0])).toEqual([0, 0, 0, 1000, 2000]);
    // Idle long enough to earn the whole burst back.
    expect(drive(rate, [0, 0, 0, 10_000, 10_000, 10_000, 10_000])).toEqual([0, 0, 0, 10_000, 10_000, 10_000, 11_000]);
  });
});

describe('admission of limited runs', () => {
  const none = { running: new Map<string, number>(), queues: new Map(), tats: new Map<string, number>() };

  it('fills free slots per key and per queue in claim order, and no more', () => {
    const runs = [
      candidate('a1', { concurrencyKey: 'k:a', concurrencyLimit: 1 }),
      candidate('a2', { concurrencyKey: 'k:a', concurrencyLimit: 1 }),
      candidate('b1', { concurrencyKey: 'k:b', concurrencyLimit: 2 }),
      candidate('b2', { concurrencyKey: 'k:b', concurrencyLimit: 2 }),
      candidate('q1', { queue: 'q' }),
      candidate('q2', { queue: 'q' }),
    ];
    const state = { ...none, running: new Map([['k:b', 1]]), queues: new Map([['q', { concurrency: 1, rate: null }]]) };
    expect(admitRuns(runs, state, 0, 10).admitted).toEqual(['a1', 'b1', 'q1']);
    expect(admitRuns(runs, state, 0, 2).admitted).toEqual(['a1', 'b1']);
  });

  it('takes over a run whose lease expired without a new slot, and rate-limits only first starts', () => {
    const rate: RateLimit = { limit: 1, periodMs: 1000 };
    const runs = [
      candidate('expired', { status: 'running', claims: 1, concurrencyKey: 'k', concurrencyLimit: 1 }),
      candidate('resumed', { status: 'waiting', claims: 1, rateKey: 'r', rate }),
      candidate('first', { rateKey: 'r', rate }),
      candidate('second', { rateKey: 'r', rate }),
    ];
    const result = admitRuns(runs, { ...none, running: new Map([['k', 1]]) }, 5000, 10);
    expect(result.admitted).toEqual(['expired', 'resumed', 'first']);
    expect(result.delayed).toEqual([{ id: 'second', until: 6000 }]);
    expect([...result.tats]).toEqual([['r', 6000]]);
  });
});

describe('declarations', () => {
  it('rejects invalid limits with BATON_INVALID_ARGUMENT', () => {
    for (const bad of [
      () => defineQueue({ name: 'bad name' }),
      () => defineQueue({ name: 'q', concurrency: 0 }),
      () => defineQueue({ name: 'q', rateLimit: { limit: 1.5, period: '1s' } }),
      () => defineQueue({ name: 'q', rateLimit: { limit: 1, period: 'soon' } }),
      () => defineWorkflow({ name: 'w', concurrency: { limit: -1 } }, async () => undefined),
      () => defineWorkflow({ name: 'w', rateLimit: { limit: 1, period: 0 } }, async () => undefined),
      () => defineWorkflow({ name: 'w', queue: '../etc' }, async () => undefined),
    ]) {
      expect(bad).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    }
  });
});
