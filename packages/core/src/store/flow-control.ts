/**
 * Flow control that every store decides alike: which limited runs a claim admits (queue and per-key
 * concurrency, start rate limits) and the rate limiter itself. Stores gather the facts under their
 * own locks (candidates, running counts, limiter state) and apply what this decides in the same
 * transaction.
 */

/** At most `limit` events per `periodMs`, spread evenly; `burst` may go at once after an idle spell. */
export interface RateLimit {
  limit: number;
  periodMs: number;
  /** Default 1: no window of `periodMs` ever holds more than `limit`. With `burst` b, at most limit + b − 1. */
  burst?: number;
}

export type RateDecision = { allowed: true; tat: number } | { allowed: false; retryAt: number };

/**
 * The generic cell rate algorithm: `tat` is the limiter's stored "theoretical arrival time" (undefined
 * for a limiter never used). One event is allowed when it conforms; the new `tat` must then be stored.
 */
export function rateDecision(tat: number | undefined, rate: RateLimit, now: number): RateDecision {
  const { interval, tolerance } = rateParameters(rate);
  const base = Math.max(tat ?? now, now);
  const conformsAt = base - tolerance;
  if (conformsAt > now) return { allowed: false, retryAt: Math.ceil(conformsAt) };
  return { allowed: true, tat: base + interval };
}

/** The limiter's emission interval and burst tolerance, in ms (what a store needs to decide in SQL). */
export function rateParameters(rate: RateLimit): { interval: number; tolerance: number } {
  const interval = rate.periodMs / rate.limit;
  return { interval, tolerance: interval * (Math.max(1, rate.burst ?? 1) - 1) };
}

/** When a limiter whose stored state is `tat` next conforms (for a held-back event). */
export function conformsAt(tat: number, rate: RateLimit, now: number): number {
  return Math.ceil(Math.max(tat, now) - rateParameters(rate).tolerance);
}

/** A ready run subject to a limit, as the claim sees it, in claim order (priority, then readiness). */
export interface FlowCandidate {
  id: string;
  queue: string;
  /** 'running' for a run whose lease expired: it still holds its slot, so it is taken over at once. */
  status: string;
  /** 0 for a run never started: start rate limits apply only then. */
  claims: number;
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  rateKey: string | null;
  rate: RateLimit | null;
}

/**
 * How a start coalesces with others of the same key. Debounce: the run waits `delayMs`; a later start
 * with the key, while the run has not started, replaces its input and pushes its start back (never
 * past `maxWaitMs` after its creation). Throttle: one run per key per `periodMs`; a start inside the
 * period creates nothing and returns the period's run.
 */
export interface StartControl {
  debounce?: { key: string; delayMs: number; maxWaitMs?: number };
  throttle?: { key: string; periodMs: number };
}

/** What a store keeps of a queue: its limits (none: the queue is unlimited). */
export interface QueueRecord {
  name: string;
  concurrency?: number;
  rateLimit?: RateLimit;
}

/** Whether a queue record limits anything. */
export function isLimitedQueue(queue: QueueRecord): boolean {
  return queue.concurrency !== undefined || queue.rateLimit !== undefined;
}

/** A queue's own limits (from `defineQueue`, stored by the engines that serve it). */
export interface QueueLimits {
  concurrency: number | null;
  rate: RateLimit | null;
}

export interface FlowState {
  /** Runs holding a slot now, by `queueSlot(queue)` and by concurrency key. */
  running: Map<string, number>;
  queues: Map<string, QueueLimits>;
  /** Stored rate limiter state, by limiter key (`queueRateKey(queue)` or a run's rate key). */
  tats: Map<string, number>;
}

export interface Admission {
  admitted: string[];
  /** Runs a rate limit holds back, and when they conform. */
  delayed: { id: string; until: number }[];
  /** Limiter state to store (only limiters that admitted a run changed). */
  tats: Map<string, number>;
}

export const queueSlot = (queue: string): string => `queue:${queue}`;
export const queueRateKey = (queue: string): string => `queue:${queue}`;

/** Admits candidates in order, up to `max`, without exceeding any concurrency or rate limit. */
export function admitRuns(candidates: FlowCandidate[], state: FlowState, now: number, max: number): Admission {
  const running = new Map(state.running);
  const tats = new Map(state.tats);
  const changed = new Map<string, number>();
  const admitted: string[] = [];
  const delayed: { id: string; until: number }[] = [];
  for (const run of candidates) {
    if (admitted.length >= max) break;
    if (run.status === 'running') {
      admitted.push(run.id);
      continue;
    }
    const queue = state.queues.get(run.queue);
    const slot = queueSlot(run.queue);
    if (queue?.concurrency != null && (running.get(slot) ?? 0) >= queue.concurrency) continue;
    if (run.concurrencyKey !== null && run.concurrencyLimit !== null && (running.get(run.concurrencyKey) ?? 0) >= run.concurrencyLimit) continue;
    if (run.claims === 0) {
      const limiters: [string, RateLimit][] = [];
      if (queue?.rate != null) limiters.push([queueRateKey(run.queue), queue.rate]);
      if (run.rateKey !== null && run.rate !== null) limiters.push([run.rateKey, run.rate]);
      const decisions = limiters.map(([key, rate]) => [key, rateDecision(tats.get(key), rate, now)] as const);
      const held = decisions.filter(([, d]) => !d.allowed).map(([, d]) => (d as { retryAt: number }).retryAt);
      if (held.length > 0) {
        delayed.push({ id: run.id, until: Math.max(...held) });
        continue;
      }
      for (const [key, d] of decisions) {
        const tat = (d as { tat: number }).tat;
        tats.set(key, tat);
        changed.set(key, tat);
      }
    }
    running.set(slot, (running.get(slot) ?? 0) + 1);
    if (run.concurrencyKey !== null) running.set(run.concurrencyKey, (running.get(run.concurrencyKey) ?? 0) + 1);
    admitted.push(run.id);
  }
  return { admitted, delayed, tats: changed };
}
