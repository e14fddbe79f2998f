/** What a run execution needs from its engine: the seams between executor and engine loop. */
import type { RateDecision, RateLimit } from '../store/flow-control.js';
import type { EventWaitRecord } from '../events/events.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { Store, WriteOp, WriteResult } from '../store/store.js';
import type { NewRun, RunRecord, StoredError } from '../store/records.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import type { Clock } from '../time/clock.js';
import type { SubmitOptions } from './write-batcher.js';
import type { EngineEvent } from './engine-events.js';
import type { Logger } from './logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { Tracer } from '@opentelemetry/api';

/**
 * `strict`: no step starts its side effect before everything the run journaled so far is committed,
 * so a step never runs again once a later step has started. `batched`: a run's writes are committed
 * in groups while it goes on (fewer fsyncs); its output is reported only once everything is durable,
 * and after a crash the steps completed since the last commit run again (at-least-once, with the same
 * idempotency keys). Writes of concurrent runs are group-committed in both modes.
 */
export type Durability = 'strict' | 'batched';

export interface ExecutionEnvironment {
  /** For context extensions (caches shared across runs); the executor itself writes through `submit`. */
  readonly store: Store;
  readonly clock: Clock;
  readonly codec: PayloadCodec;
  readonly logger: Logger;
  /** Spans of executions and step attempts (see tracing.ts). */
  readonly tracer: Tracer;
  readonly durability: Durability;
  readonly defaultRetry: RetryPolicy | undefined;
  /** Retry back-offs up to this long wait in memory; longer ones suspend the run. */
  readonly inMemoryBackoffMs: number;
  /** Delivers escalation notifications (none configured: they are logged and journaled as undelivered). */
  readonly notifier: Notifier | undefined;
  /** Seeded random in [0, 1) for jitter. */
  random(): number;
  newId(): string;
  submit(op: WriteOp, options?: SubmitOptions): Promise<WriteResult>;
  /** Tells listeners about something that is now durable. */
  emit(event: EngineEvent): void;
  /** Whether anyone listens to events (events are not built when no one does). */
  hasListeners(): boolean;
  /** Asks the store to cancel a run (used to cancel children of a cancelled run). */
  requestCancel(runId: string): Promise<void>;
  /** Takes one event from a step's rate limiter (see Store.acquireRate). */
  acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision>;
  /** Registers a wait for an event (see Store.registerEventWait). */
  registerEventWait(wait: EventWaitRecord): Promise<void>;
  /** The failure workflow's run to create with this failure of `run`, if any (see failure-workflow.ts). */
  failureRun(run: RunRecord, workflow: AnyWorkflow, error: StoredError): Promise<NewRun | undefined>;
}
