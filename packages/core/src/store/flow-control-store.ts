/** The flow-control part of the storage seam: queue definitions and rate limiters (see flow-control.ts for the rules). */
import type { QueueRecord, RateDecision, RateLimit } from './flow-control.js';

export interface FlowControlStore {
  /** Stores queue definitions (their limits; none clears them), replacing earlier ones of the same names. */
  defineQueues(queues: QueueRecord[], now: number): Promise<void>;
  /** Every stored queue definition. */
  listQueues(): Promise<QueueRecord[]>;
  /** Takes one event from the rate limiter `key` (created on first use), or says when it next conforms. */
  acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision>;
}
