/**
 * The state of one run execution shared by its lifecycle (run-execution.ts) and its ctx operations
 * (workflow-operations.ts): what was replayed, what waits, what runs, and the plumbing to write
 * fenced, group-committed journal entries and to wait on timers and signals.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { ValidationContext } from '../errors/validation.js';
import type { PayloadOwner } from '../payload/payload-codec.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { ChildRecord, EntryKind, JournalEntry, RunRecord, SignalRecord, StepRetryRecord, StoredError, WaitEscalation } from '../store/records.js';
import type { ClaimedRun, RunTransition, WriteOp } from '../store/store.js';
import type { TimerHandle } from '../time/clock.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import type { StepInfo } from '../workflow/workflow-context.js';
import type { EngineEvent, EventError } from './engine-events.js';
import type { ExecutionEnvironment } from './engine-internals.js';
import { JournalCursor } from './journal-cursor.js';
import type { Attempt } from './step-attempt.js';
import { fromStoredError, toStoredError } from './stored-errors.js';
import { RunTrace } from './tracing.js';
import type { SubmitOptions } from './write-batcher.js';

/** How the body of a run ended this execution. */
export type Outcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'suspend' }
  | { kind: 'nondeterminism'; error: BatonError }
  | { kind: 'cancel' }
  | { kind: 'lost' }
  | { kind: 'continue'; input: unknown }
  | { kind: 'release' };

/** An operation waiting at a position: for a timer, a signal, a child run or a retry back-off. */
export interface Wait {
  kind: 'timer' | 'signal' | 'child' | 'retry';
  /** The operation waiting (journal kind and name), recorded so replay can check it. */
  op: { kind: EntryKind; name: string };
  until?: number;
  signal?: string;
  childId?: string;
  timer?: TimerHandle;
  /** For signal waits: takes a signal that arrived while the run is in memory. */
  take?: (signal: SignalRecord) => void;
}

/** A completed step's undo action (saga). */
export interface Compensation {
  seq: number;
  name: string;
  output: unknown;
  /** The step's journaled output, which the compensation's entry records as its input. */
  encodedOutput: string | undefined;
  fn: (result: unknown, info: StepInfo) => unknown;
  retry: RetryPolicy | undefined;
}

/** A promise that never settles; a fresh one each time so abandoned awaits can be collected. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

export class RunState {
  readonly env: ExecutionEnvironment;
  readonly workflow: AnyWorkflow;
  readonly run: RunRecord;
  readonly runId: string;
  readonly leaseToken: string;
  readonly cursor: JournalCursor;
  /** Signals not consumed yet, oldest first. */
  readonly signals: SignalRecord[];
  /** Signal ids up to this one were known at the claim (see ClaimedRun.signalHorizon). */
  readonly signalHorizon: number;
  /** Ids of signals heard of since the claim, so a repeated notice is ignored. */
  readonly deliveredSignals = new Set<number>();
  readonly retries = new Map<number, StepRetryRecord>();
  readonly children: ChildRecord[];
  readonly waits = new Map<number, Wait>();
  /** The escalation of each signal wait that has a policy, by the wait's position (recorded when the run suspends). */
  readonly escalations = new Map<number, WaitEscalation>();
  readonly compensations: Compensation[] = [];
  /** The span of this execution (a no-op without an OpenTelemetry SDK). */
  readonly trace: RunTrace;
  /** `ctx.signal`'s controller, made only if the workflow reads it. */
  #abort: AbortController | undefined;
  /** Set once the run is aborted; the reason itself is built only if something looks at it. */
  #abortedBy: (() => unknown) | undefined;
  #reason: { value: unknown } | undefined;
  /** Attempts running now; aborted with the run. */
  readonly attempts = new Set<Attempt>();
  /** live: running the body; collect: replaying only, to learn compensations; stopped: ops never settle. */
  mode: 'live' | 'collect' | 'stopped' = 'live';
  /** Steps running or waiting to start (a run with none and some waits suspends). */
  active = 0;
  lost = false;
  /** Operations asked for past the journal while not live: they never settle (a replay check reads it). */
  pastJournalWaits = 0;
  /** The first non-determinism met, whatever the mode (a replay check reads it). */
  divergence: BatonError | undefined;
  cancelReason: StoredError | undefined;
  /** Ends the body with an outcome; set by the lifecycle while the body runs. */
  settle: ((outcome: Outcome) => void) | undefined;
  /** Called when a write finds the lease gone. */
  onLost: () => void = () => {};
  /** The latest progress set while replaying, not yet written. */
  #deferredProgress: string | undefined;
  #lastWrite: Promise<boolean>;
  #idleCheckScheduled = false;

  /** Who this run's payloads belong to (their blobs, if they spill, are tagged with it). */
  get owner(): PayloadOwner {
    return { runId: this.runId, namespace: this.run.namespace };
  }

  constructor(env: ExecutionEnvironment, claimed: ClaimedRun, workflow: AnyWorkflow, initialWrite?: Promise<unknown>) {
    this.env = env;
    this.workflow = workflow;
    this.run = claimed.run;
    this.runId = claimed.run.id;
    this.leaseToken = claimed.leaseToken;
    this.cursor = new JournalCursor(claimed.run, claimed.journal, claimed.stepRetries);
    this.signals = [...claimed.signals];
    this.signalHorizon = claimed.signalHorizon;
    for (const r of claimed.stepRetries) this.retries.set(r.seq, r);
    this.children = claimed.children;
    this.cancelReason = claimed.run.cancelReason;
    this.trace = new RunTrace(env.tracer, claimed.run);
    this.#lastWrite = (initialWrite ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
  }

  // ---------------------------------------------------------------- writes

  /** Submits a fenced write to the group commit; resolves false (and abandons the run) if the lease is gone. */
  write(part: Omit<WriteOp, 'runId' | 'leaseToken'>, options?: SubmitOptions): Promise<boolean> {
    if (this.lost) return Promise.resolve(false);
    if (this.#deferredProgress !== undefined && !this.cursor.replaying && part.progress === undefined) {
      const progress = this.#deferredProgress;
      this.#deferredProgress = undefined;
      if (progress !== this.run.progress) {
        this.run.progress = progress;
        part = { ...part, progress };
      }
    }
    const promise = this.env.submit({ runId: this.runId, leaseToken: this.leaseToken, ...part }, options).then(
      (result) => {
        if (!result.ok) this.onLost();
        return result.ok;
      },
      (error: unknown) => {
        this.env.logger.error({ runId: this.runId, workflow: this.run.workflow, err: error }, 'journal write failed; the run is left to lease recovery');
        this.onLost();
        return false;
      },
    );
    this.#lastWrite = promise;
    const t = part.transition;
    if (t !== undefined) {
      this.trace.outcome(OUTCOMES[t.kind], t.kind === 'fail' ? t.error : undefined);
      if (this.env.hasListeners()) {
        const durationMs = this.env.clock.now() - (this.run.startedAt ?? this.run.createdAt);
        this.emitAfterWrite(transitionEvent(t, { runId: this.runId, workflow: this.run.workflow }, durationMs));
      }
      if (t.kind === 'fail' || t.kind === 'cancel') void promise.then((ok) => ok && this.#logEnd(t));
    }
    return promise;
  }

  /**
   * Fails the run for good, creating its failure workflow's run (if any) in the same transaction. A
   * failure to look the failure workflow up leaves the run to lease recovery, which fails it again.
   */
  async fail(error: StoredError): Promise<boolean> {
    if (this.lost) return false;
    const handler = await this.env.failureRun(this.run, this.workflow, error);
    return this.write(handler === undefined ? { transition: { kind: 'fail', error } } : { transition: { kind: 'fail', error }, createRuns: [handler] });
  }

  #logEnd(t: RunTransition & { kind: 'fail' | 'cancel' }): void {
    const fields: Record<string, unknown> = { runId: this.runId, workflow: this.run.workflow };
    if (t.error !== undefined) fields.error = { name: t.error.name, message: t.error.message, ...(t.error.code === undefined ? {} : { code: t.error.code }) };
    if (t.kind === 'fail') this.env.logger.warn(fields, 'run failed');
    else this.env.logger.info(fields, 'run cancelled');
  }

  /** Sets the run's progress; while replaying only the latest value is kept, written when new work starts. */
  setProgress(encoded: string): void {
    if (this.cursor.replaying) {
      this.#deferredProgress = encoded;
      return;
    }
    this.#deferredProgress = undefined;
    if (encoded === this.run.progress) return;
    this.run.progress = encoded;
    void this.write({ progress: encoded });
    this.emitAfterWrite({ type: 'run.progress', runId: this.runId, workflow: this.run.workflow, progress: this.env.codec.decode(encoded) });
  }

  /** Emits `event` once the latest write of this run is committed. */
  emitAfterWrite(event: EngineEvent): void {
    if (!this.env.hasListeners()) return;
    void this.#lastWrite.then((ok) => {
      if (ok) this.env.emit({ ...event, namespace: this.run.namespace });
    });
  }

  /** In strict durability, waits until everything this run wrote so far is committed. */
  async barrier(): Promise<void> {
    if (this.env.durability === 'strict') await this.#lastWrite;
  }

  /**
   * Journals a completed operation (written unless only replaying) and returns the entry; `input` is
   * the operation's encoded input, if it has one; `options.immediate` commits it at once (see WriteBatcher).
   */
  record(
    seq: number,
    kind: EntryKind,
    name: string,
    output: unknown,
    startedAt = this.env.clock.now(),
    attempts = 1,
    input?: string,
    options?: SubmitOptions,
    /** A skipped step: its fallback is `output`, and this error made it give up. */
    skipped?: { error: unknown },
  ): JournalEntry {
    const entry: JournalEntry = {
      runId: this.runId,
      seq,
      kind,
      name,
      status: skipped === undefined ? 'completed' : 'skipped',
      attempts,
      startedAt,
      endedAt: this.env.clock.now(),
    };
    const { stored, full } = this.env.codec.encodeBoth(output, `${kind} '${name}' of run ${this.runId}`, this.owner);
    if (input !== undefined) entry.input = input;
    if (skipped !== undefined) entry.error = this.stored(skipped.error);
    // Written with a large output's reference; returned with the output itself, which the caller decodes.
    if (this.mode === 'live') void this.write({ journal: [{ ...entry, output: stored }] }, options);
    entry.output = full;
    return entry;
  }

  recordFailure(seq: number, kind: EntryKind, name: string, error: unknown, attempts: number, startedAt: number, input?: string): Promise<boolean> {
    const entry: JournalEntry = {
      runId: this.runId,
      seq,
      kind,
      name,
      status: 'failed',
      error: this.stored(error),
      attempts,
      startedAt,
      endedAt: this.env.clock.now(),
    };
    if (input !== undefined) entry.input = input;
    return this.mode === 'live' ? this.write({ journal: [entry] }) : Promise.resolve(false);
  }

  /** The recorded result of an entry: its output, or its error thrown. */
  replay(entry: JournalEntry): unknown {
    if (entry.status === 'failed') throw fromStoredError(this.env.codec, entry.error);
    return this.env.codec.decode(entry.output);
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Registers a wait at `seq`. `onDue` runs if its deadline passes while the run is in memory,
   * `onSignal` if a signal it waits for arrives; otherwise the run suspends and a later execution
   * takes over.
   */
  wait<T>(seq: number, wait: Wait, onDue?: () => T, onSignal?: (signal: SignalRecord) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      if (onSignal !== undefined) wait.take = (signal) => resolve(onSignal(signal));
      if (wait.until !== undefined && onDue !== undefined) {
        wait.timer = this.env.clock.setTimer(wait.until - this.env.clock.now(), () => {
          if (this.mode !== 'live' || this.waits.get(seq) !== wait) return;
          this.waits.delete(seq);
          resolve(onDue());
        });
      }
      this.waits.set(seq, wait);
      this.scheduleIdleCheck();
    });
  }

  /** Suspends the run once no step is running and something waits (checked after the microtasks settle). */
  scheduleIdleCheck(): void {
    if (this.#idleCheckScheduled || this.mode !== 'live') return;
    this.#idleCheckScheduled = true;
    setImmediate(() => {
      this.#idleCheckScheduled = false;
      if (this.mode === 'live' && this.active === 0 && this.waits.size > 0) this.settle?.({ kind: 'suspend' });
    });
  }

  clockSleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.env.clock.setTimer(ms, resolve));
  }

  clearWaitTimers(): void {
    for (const w of this.waits.values()) w.timer?.cancel();
  }

  /** `ctx.signal`: aborted when the run is cancelled or stops. */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#abortedBy !== undefined) this.#abort.abort(this.#reasonValue());
    }
    return this.#abort.signal;
  }

  /** Why the run was aborted, if it was. */
  get abortReason(): { reason: unknown } | undefined {
    return this.#abortedBy === undefined ? undefined : { reason: this.#reasonValue() };
  }

  #reasonValue(): unknown {
    this.#reason ??= { value: this.#abortedBy?.() };
    return this.#reason.value;
  }

  /**
   * Aborts the run's signal and every running attempt. The reason is built only when something can
   * see it (a running attempt or a signal the workflow holds): most runs end with neither.
   */
  abortAll(reason: () => unknown): void {
    if (this.#abortedBy === undefined) {
      this.#abortedBy = reason;
      this.#abort?.abort(this.#reasonValue());
    }
    if (this.attempts.size > 0) {
      const value = this.#reasonValue();
      for (const attempt of this.attempts) attempt.abort(value);
      this.attempts.clear();
    }
  }

  /** Runs an operation unless the execution stopped; a non-determinism error stops the run. */
  guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.mode === 'stopped') return never();
    try {
      const promise = op();
      // A failed operation the workflow never awaited must not become an unhandled rejection that
      // brings the worker down: awaiting code still sees the rejection.
      promise.catch(() => {});
      return promise;
    } catch (error) {
      if ((error as { code?: unknown }).code === ErrorCode.NonDeterminism) {
        this.stopForNonDeterminism(error as BatonError);
        return never();
      }
      return Promise.reject(error);
    }
  }

  /** What an operation past the journal answers when the execution only replays: a wait that never ends. */
  pastJournal<T>(): Promise<T> {
    this.pastJournalWaits++;
    return never();
  }

  stopForNonDeterminism(error: BatonError): void {
    if (this.mode === 'live') this.settle?.({ kind: 'nondeterminism', error });
    this.divergence ??= error;
    this.mode = 'stopped';
  }

  // ---------------------------------------------------------------- errors

  stored(error: unknown): StoredError {
    return toStoredError(this.env.codec, error);
  }

  eventError(error: unknown): EventError {
    const stored = this.stored(error);
    const out: EventError = { name: stored.name, message: stored.message };
    if (stored.code !== undefined) out.code = stored.code;
    return out;
  }

  cancelledError(): BatonError {
    return new BatonError(ErrorCode.Cancelled, `Run ${this.runId} was cancelled.`, { runId: this.runId, retryable: false });
  }

  validation(code: string, what: string): ValidationContext {
    return { code, what: `${what} of run ${this.runId} ('${this.workflow.name}')`, advice: 'Fix the value to match the schema.', runId: this.runId };
  }
}

/** The span outcome of each way an execution ends. */
const OUTCOMES: Record<RunTransition['kind'], string> = {
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  suspend: 'suspended',
  release: 'released',
  continue: 'continued',
};

function transitionEvent(t: RunTransition, base: { runId: string; workflow: string }, durationMs: number): EngineEvent {
  switch (t.kind) {
    case 'complete':
      return { type: 'run.completed', ...base, durationMs };
    case 'fail':
      return {
        type: 'run.failed',
        ...base,
        error: { name: t.error.name, message: t.error.message, ...(t.error.code === undefined ? {} : { code: t.error.code }) },
        durationMs,
      };
    case 'cancel':
      return { type: 'run.cancelled', ...base, durationMs };
    case 'suspend':
      return { type: 'run.suspended', ...base, signals: t.waits.signals, children: t.waits.children, ...(t.wakeAt === undefined ? {} : { wakeAt: t.wakeAt }) };
    case 'continue':
      return { type: 'run.continued', ...base, nextRunId: t.nextRunId, durationMs };
    case 'release':
      return { type: 'run.released', ...base };
  }
}
