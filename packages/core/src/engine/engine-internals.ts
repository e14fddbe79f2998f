/** What a run execution needs from its engine: the seams between executor and engine loop. */
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { WriteOp, WriteResult } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { EngineEvent } from './engine-events.js';
import type { Logger } from './logger.js';

/**
 * `strict`: a step's result is committed before the run goes on (the next step never starts before
 * its predecessor's result is durable). `batched`: results are committed in groups while the run goes
 * on; a run's output is reported only once everything is durable, and after a crash the steps since
 * the last commit run again (at-least-once, same idempotency keys).
 */
export type Durability = 'strict' | 'batched';

export interface ExecutionEnvironment {
  readonly clock: Clock;
  readonly codec: PayloadCodec;
  readonly logger: Logger;
  readonly durability: Durability;
  readonly defaultRetry: RetryPolicy | undefined;
  /** Retry back-offs up to this long wait in memory; longer ones suspend the run. */
  readonly inMemoryBackoffMs: number;
  /** Seeded random in [0, 1) for jitter. */
  random(): number;
  newId(): string;
  submit(op: WriteOp): Promise<WriteResult>;
  /** Tells listeners about something that is now durable. */
  emit(event: EngineEvent): void;
  /** Asks the store to cancel a run (used to cancel children of a cancelled run). */
  requestCancel(runId: string): Promise<void>;
}
