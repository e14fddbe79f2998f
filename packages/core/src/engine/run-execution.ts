/**
 * One execution of a run on an engine: replays the journal, runs new operations, and ends by
 * completing, failing, suspending, compensating or continuing the run.
 *
 * Replay: every ctx operation takes the next position (`seq`) synchronously when it is called, so
 * positions are deterministic whatever order parallel operations finish in. A position with a journal
 * entry returns the recorded result; a mismatch is a non-determinism error that stops the run without
 * touching its journal.
 *
 * Suspension: when no step is running and at least one operation waits (timer, signal, child, retry
 * back-off), the run records what wakes it and is dropped from memory; the next execution replays.
 */
import { BatonError, ErrorCode, errorMessage } from '../errors/errors.js';
import { resolveRetryPolicy, shouldRetry, backoffDelay, type RetryPolicy } from '../retry/retry-policy.js';
import {
  isTerminalStatus,
  type ChildRecord,
  type EntryKind,
  type JournalEntry,
  type NewRun,
  type RunRecord,
  type RunStatus,
  type RunWaits,
  type SignalRecord,
  type StepRetryRecord,
  type StoredError,
} from '../store/records.js';
import type { ClaimedRun, WriteOp } from '../store/store.js';
import type { TimerHandle } from '../time/clock.js';
import { toMillis, type Duration } from '../time/duration.js';
import type { AnyWorkflow, Workflow } from '../workflow/workflow.js';
import {
  TIMED_OUT,
  type ChildOptions,
  type StepInfo,
  type StepOptions,
  type WaitForSignalOptions,
  type WorkflowContext,
} from '../workflow/workflow-context.js';
import type { EventError, EngineEvent } from './engine-events.js';
import type { ExecutionEnvironment } from './engine-internals.js';
import { JournalCursor } from './journal-cursor.js';
import { startAttempt, type Attempt } from './step-attempt.js';
import { validate, type ValidationContext } from '../errors/validation.js';
import { fromStoredError, toStoredError } from './stored-errors.js';

type Outcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'suspend' }
  | { kind: 'nondeterminism'; error: BatonError }
  | { kind: 'cancel' }
  | { kind: 'lost' }
  | { kind: 'continue'; input: unknown }
  | { kind: 'release' };

interface Wait {
  kind: 'timer' | 'signal' | 'child' | 'retry';
  /** For signal waits: takes a signal that arrived while the run is in memory. */
  take?: (signal: SignalRecord) => void;
  /** The operation waiting (journal kind and name), recorded so replay can check it. */
  op: { kind: EntryKind; name: string };
  until?: number;
  signal?: string;
  childId?: string;
  timer?: TimerHandle;
}

interface Compensation {
  seq: number;
  name: string;
  output: unknown;
  fn: (result: unknown, info: StepInfo) => unknown;
  retry: RetryPolicy | undefined;
}

/** A promise that never settles; a fresh one each time so abandoned awaits can be collected. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

export class RunExecution {
  readonly runId: string;
  readonly leaseToken: string;
  /** Settles when the execution has ended (whatever the outcome). */
  readonly finished: Promise<void>;

  readonly #env: ExecutionEnvironment;
  readonly #workflow: AnyWorkflow;
  readonly #run: RunRecord;
  readonly #cursor: JournalCursor;
  readonly #signals: SignalRecord[];
  readonly #retries = new Map<number, StepRetryRecord>();
  readonly #children: ChildRecord[];
  readonly #waits = new Map<number, Wait>();
  readonly #compensations: Compensation[] = [];
  readonly #runAbort = new AbortController();
  /** Attempts running now; aborted when the run is cancelled or stops. */
  readonly #attempts = new Set<Attempt>();
  readonly #ctx: WorkflowContext;
  #active = 0;
  #mode: 'live' | 'collect' | 'stopped' = 'live';
  #settle: ((outcome: Outcome) => void) | undefined;
  #settled = false;
  #idleCheckScheduled = false;
  #lastWrite: Promise<boolean>;
  #lost = false;
  #compensating = false;
  #runTimer: TimerHandle | undefined;
  #requested: Outcome | undefined;
  #cancelReason: StoredError | undefined;
  /** The latest progress set while replaying, not yet written. */
  #deferredProgress: string | undefined;

  constructor(env: ExecutionEnvironment, claimed: ClaimedRun, workflow: AnyWorkflow, initialWrite?: Promise<unknown>) {
    this.#env = env;
    this.#workflow = workflow;
    this.#run = claimed.run;
    this.runId = claimed.run.id;
    this.leaseToken = claimed.leaseToken;
    this.#cursor = new JournalCursor(claimed.run, claimed.journal, claimed.stepRetries);
    this.#signals = [...claimed.signals];
    for (const r of claimed.stepRetries) this.#retries.set(r.seq, r);
    this.#children = claimed.children;
    this.#cancelReason = claimed.run.cancelReason;
    this.#lastWrite = (initialWrite ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
    this.#ctx = this.#makeContext();
    this.finished = this.#execute().catch((error: unknown) => {
      env.logger.error({ runId: this.runId, err: error }, 'run execution crashed; its lease will expire and another execution will take it over');
    });
  }

  /** Cancels the run: aborts its running steps, ends its waits, then compensates. */
  cancel(reason?: StoredError): void {
    if (this.#compensating || this.#settled) return;
    if (reason !== undefined) this.#cancelReason = reason;
    this.#abortAll(this.#cancelledError());
    this.#request({ kind: 'cancel' });
  }

  /** Gives the run back to the queue (graceful shutdown). */
  release(): void {
    if (this.#settled) return;
    this.#abortAll(
      new BatonError(ErrorCode.EngineStopped, `The engine stopped while run ${this.runId} was running; the run was released and will resume elsewhere.`),
    );
    this.#request({ kind: 'release' });
  }

  /** The lease was lost: stop at once and write nothing more. */
  abandon(): void {
    this.#lost = true;
    this.#abortAll(new BatonError(ErrorCode.LeaseLost, `Run ${this.runId} lost its lease; another execution owns it now.`));
    this.#request({ kind: 'lost' });
  }

  /** Aborts the run's signal and every running attempt. */
  #abortAll(reason: unknown): void {
    if (!this.#runAbort.signal.aborted) this.#runAbort.abort(reason);
    for (const attempt of this.#attempts) attempt.abort(reason);
    this.#attempts.clear();
  }

  /** An outcome asked for from outside (cancel, release, lost), kept if the body has not started yet. */
  #request(outcome: Outcome): void {
    this.#requested ??= outcome;
    this.#settle?.(outcome);
  }

  /** A signal for this run arrived while it is in memory: hand it to the first wait for its name. */
  deliverSignal(signal: SignalRecord): void {
    if (this.#mode !== 'live' || this.#signals.some((s) => s.id === signal.id)) return;
    let first: [number, Wait] | undefined;
    for (const entry of this.#waits) {
      if (entry[1].signal === signal.name && entry[1].take !== undefined && (first === undefined || entry[0] < first[0])) first = entry;
    }
    if (first === undefined) {
      this.#signals.push(signal);
      return;
    }
    this.#waits.delete(first[0]);
    first[1].timer?.cancel();
    first[1].take?.(signal);
  }

  get isLost(): boolean {
    return this.#lost;
  }

  // ---------------------------------------------------------------- lifecycle

  async #execute(): Promise<void> {
    this.#env.emit({ type: 'run.started', runId: this.runId, workflow: this.#run.workflow, claims: this.#run.claims });
    try {
      let input: unknown;
      try {
        input = this.#env.codec.decode(this.#run.input);
        const schema = this.#workflow.options.input;
        if (schema !== undefined) input = validate(schema, input, this.#validation(ErrorCode.InvalidInput, 'input'));
      } catch (error) {
        await this.#write({ transition: { kind: 'fail', error: this.#stored(error) } });
        return;
      }
      if (this.#run.phase === 'compensating') {
        await this.#collectCompensations(input);
        await this.#compensate(this.#run.endStatus ?? 'failed', this.#run.error, true);
      } else if (this.#run.cancelRequested) {
        await this.#cancelChildren([]);
        await this.#collectCompensations(input);
        await this.#compensate('cancelled', this.#cancelReason ?? this.#stored(this.#cancelledError()), false);
      } else {
        await this.#runBody(input);
      }
    } finally {
      this.#mode = 'stopped';
      this.#clearTimers();
    }
  }

  async #runBody(input: unknown): Promise<void> {
    const outcome = await new Promise<Outcome>((resolve) => {
      this.#settle = (o) => {
        if (this.#settled) return;
        this.#settled = true;
        this.#mode = 'stopped';
        resolve(o);
      };
      let body: Promise<unknown>;
      try {
        body = Promise.resolve(this.#workflow.fn(this.#ctx, input));
      } catch (error) {
        body = Promise.reject(error);
      }
      body.then(
        (value) => this.#settle?.({ kind: 'returned', value }),
        (error: unknown) => this.#settle?.({ kind: 'threw', error }),
      );
      this.#armRunTimeout();
      this.#scheduleIdleCheck();
      if (this.#requested !== undefined) this.#settle(this.#requested);
    });
    const waits = [...this.#waits.values()];
    this.#mode = 'stopped';
    this.#clearTimers();
    if (outcome.kind !== 'suspend') {
      this.#abortAll(new BatonError(ErrorCode.EngineStopped, `Run ${this.runId} ended while this step was running.`));
    }
    switch (outcome.kind) {
      case 'returned':
        return this.#complete(outcome.value);
      case 'threw':
        return this.#fail(outcome.error);
      case 'suspend':
        return this.#suspend();
      case 'nondeterminism':
        this.#env.logger.warn({ runId: this.runId, err: outcome.error }, 'non-determinism: run stopped');
        await this.#write({ transition: { kind: 'fail', error: this.#stored(outcome.error) } });
        return;
      case 'cancel':
        await this.#cancelChildren(waits);
        return this.#compensate('cancelled', this.#cancelReason ?? this.#stored(this.#cancelledError()), false);
      case 'continue':
        return this.#continueAsNew(outcome.input);
      case 'release':
        await this.#write({ transition: { kind: 'release' } });
        return;
      case 'lost':
        return;
    }
  }

  async #complete(value: unknown): Promise<void> {
    const unvisited = this.#cursor.unvisited();
    if (unvisited !== undefined) {
      return this.#fail(
        this.#cursor.nonDeterminism(unvisited.seq, `${unvisited.kind} '${unvisited.name}'`, 'nothing (the workflow returned before reaching it)'),
      );
    }
    let encoded: string;
    try {
      let output = value;
      const schema = this.#workflow.options.output;
      if (schema !== undefined) output = validate(schema, value, this.#validation(ErrorCode.InvalidOutput, 'output'));
      encoded = this.#env.codec.encode(output, `output of run ${this.runId}`);
    } catch (error) {
      return this.#fail(error);
    }
    await this.#write({ transition: { kind: 'complete', output: encoded } });
  }

  async #fail(error: unknown): Promise<void> {
    if (this.#compensations.some((c) => !this.#cursor.isCompensated(c.seq))) {
      return this.#compensate('failed', this.#stored(error), false);
    }
    await this.#write({ transition: { kind: 'fail', error: this.#stored(error) } });
  }

  async #suspend(): Promise<void> {
    const runWaits: RunWaits = { signals: [], children: [], timers: {}, pending: [...this.#waits].map(([seq, w]) => ({ seq, ...w.op })) };
    let wakeAt: number | undefined;
    for (const [seq, wait] of this.#waits) {
      if (wait.signal !== undefined) runWaits.signals.push(wait.signal);
      if (wait.childId !== undefined) runWaits.children.push(wait.childId);
      if (wait.until !== undefined) {
        runWaits.timers[String(seq)] = wait.until;
        wakeAt = wakeAt === undefined ? wait.until : Math.min(wakeAt, wait.until);
      }
    }
    const deadline = this.#deadline();
    if (deadline !== undefined) wakeAt = wakeAt === undefined ? deadline : Math.min(wakeAt, deadline);
    await this.#write({ transition: wakeAt === undefined ? { kind: 'suspend', waits: runWaits } : { kind: 'suspend', wakeAt, waits: runWaits } });
  }

  async #continueAsNew(input: unknown): Promise<void> {
    let encoded: string;
    try {
      encoded = this.#env.codec.encode(input, `continueAsNew input of run ${this.runId}`);
    } catch (error) {
      return this.#fail(error);
    }
    const next: NewRun = {
      id: this.#env.newId(),
      workflow: this.#run.workflow,
      // An empty version is pinned by the worker that claims it: continueAsNew moves onto current code.
      version: '',
      input: encoded,
      queue: this.#run.queue,
      priority: this.#run.priority,
      continuedFrom: this.runId,
    };
    if (this.#run.parentId !== undefined) next.parentId = this.#run.parentId;
    if (this.#run.parentSeq !== undefined) next.parentSeq = this.#run.parentSeq;
    await this.#write({ createRuns: [next], transition: { kind: 'continue', nextRunId: next.id } });
  }

  async #cancelChildren(waits: Wait[]): Promise<void> {
    const ids = new Set<string>();
    for (const w of waits) if (w.childId !== undefined) ids.add(w.childId);
    for (const c of this.#children) if (!isTerminalStatus(c.status)) ids.add(c.id);
    for (const id of ids) {
      try {
        await this.#env.requestCancel(id);
      } catch {
        // A child that already ended needs no cancel.
      }
    }
  }

  // ---------------------------------------------------------------- compensation (saga)

  /** Replays the body without running anything new, to learn the compensations of completed steps. */
  async #collectCompensations(input: unknown): Promise<void> {
    this.#mode = 'collect';
    this.#settle = () => {};
    try {
      const body = this.#workflow.fn(this.#ctx, input);
      Promise.resolve(body).catch(() => {});
    } catch {
      // The body failed synchronously: what it registered before failing is what there is.
    }
    // Replayed operations resolve in microtasks; once a macrotask turn has passed, the body is at its frontier.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    this.#mode = 'stopped';
  }

  async #compensate(endStatus: RunStatus, error: StoredError | undefined, alreadyMarked: boolean): Promise<void> {
    this.#compensating = true;
    const todo = this.#compensations.filter((c) => !this.#cursor.isCompensated(c.seq)).sort((a, b) => b.seq - a.seq);
    if (todo.length > 0 && !alreadyMarked) {
      const compensate: WriteOp['compensate'] = error === undefined ? { endStatus } : { endStatus, error };
      if (!(await this.#write({ compensate }))) return;
    }
    if (todo.length > 0) this.#env.emit({ type: 'run.compensating', runId: this.runId, workflow: this.#run.workflow, steps: todo.map((c) => c.name) });
    let seq = this.#cursor.lastSeq();
    const failed: string[] = [];
    for (const c of todo) {
      seq++;
      const ok = await this.#runCompensation(c, seq);
      if (this.#lost) return;
      if (!ok) failed.push(c.name);
    }
    let finalError = error;
    if (failed.length > 0) {
      const message = `${error?.message ?? 'Run cancelled'} (compensation failed for step${failed.length > 1 ? 's' : ''} ${failed.map((n) => `'${n}'`).join(', ')}: see the journal and repair by hand)`;
      finalError = { ...(error ?? { name: 'BatonError', code: ErrorCode.Cancelled }), message };
      delete finalError.encoded;
    }
    const transition =
      endStatus === 'cancelled'
        ? finalError === undefined
          ? { kind: 'cancel' as const }
          : { kind: 'cancel' as const, error: finalError }
        : { kind: 'fail' as const, error: finalError ?? { name: 'Error', message: 'failed' } };
    await this.#write({ transition });
  }

  async #runCompensation(c: Compensation, seq: number): Promise<boolean> {
    const policy = resolveRetryPolicy(this.#env.defaultRetry, this.#workflow.options.retry, c.retry);
    const name = `compensate:${c.name}`;
    const startedAt = this.#env.clock.now();
    for (let attempt = 1; ; attempt++) {
      const result = await startAttempt((info) => c.fn(c.output, info), {
        clock: this.#env.clock,
        runId: this.runId,
        step: name,
        attempt,
        idempotencyKey: `${this.runId}:${seq}`,
      }).result;
      if (this.#lost) return false;
      if (result.ok || !shouldRetry(policy, attempt, result.error)) {
        const entry: JournalEntry = {
          runId: this.runId,
          seq,
          kind: 'compensation',
          name,
          status: result.ok ? 'completed' : 'failed',
          attempts: attempt,
          startedAt,
          endedAt: this.#env.clock.now(),
          compensates: c.seq,
        };
        if (!result.ok) entry.error = this.#stored(result.error);
        this.#cursor.add(entry);
        if (await this.#write({ journal: [entry] })) {
          this.#env.emit({ type: 'compensation.completed', runId: this.runId, workflow: this.#run.workflow, step: c.name, seq, ok: result.ok });
        }
        return result.ok;
      }
      await this.#clockSleep(backoffDelay(policy, attempt, this.#env.random()));
    }
  }

  // ---------------------------------------------------------------- writes and waiting

  #writeProgress(encoded: string): void {
    this.#deferredProgress = undefined;
    if (encoded === this.#run.progress) return;
    this.#run.progress = encoded;
    void this.#write({ progress: encoded });
    this.#emitAfterWrite({ type: 'run.progress', runId: this.runId, workflow: this.#run.workflow, progress: this.#env.codec.decode(encoded) });
  }

  /** Submits a fenced write; resolves false (and abandons the run) if the lease is gone. */
  #write(part: Omit<WriteOp, 'runId' | 'leaseToken'>): Promise<boolean> {
    if (this.#lost) return Promise.resolve(false);
    if (this.#deferredProgress !== undefined && !this.#cursor.replaying && part.progress === undefined) {
      const progress = this.#deferredProgress;
      this.#deferredProgress = undefined;
      if (progress !== this.#run.progress) {
        this.#run.progress = progress;
        part = { ...part, progress };
      }
    }
    const promise = this.#env.submit({ runId: this.runId, leaseToken: this.leaseToken, ...part }).then(
      (result) => {
        if (!result.ok) this.abandon();
        return result.ok;
      },
      (error: unknown) => {
        this.#env.logger.error({ runId: this.runId, err: error }, 'journal write failed; the run is left to lease recovery');
        this.abandon();
        return false;
      },
    );
    this.#lastWrite = promise;
    const t = part.transition;
    if (t !== undefined) {
      const base = { runId: this.runId, workflow: this.#run.workflow };
      let event: EngineEvent;
      switch (t.kind) {
        case 'complete':
          event = { type: 'run.completed', ...base };
          break;
        case 'fail':
          event = {
            type: 'run.failed',
            ...base,
            error: { name: t.error.name, message: t.error.message, ...(t.error.code === undefined ? {} : { code: t.error.code }) },
          };
          break;
        case 'cancel':
          event = { type: 'run.cancelled', ...base };
          break;
        case 'suspend':
          event = {
            type: 'run.suspended',
            ...base,
            signals: t.waits.signals,
            children: t.waits.children,
            ...(t.wakeAt === undefined ? {} : { wakeAt: t.wakeAt }),
          };
          break;
        case 'continue':
          event = { type: 'run.continued', ...base, nextRunId: t.nextRunId };
          break;
        case 'release':
          event = { type: 'run.released', ...base };
          break;
      }
      this.#emitAfterWrite(event);
    }
    return promise;
  }

  /** Emits `event` once the latest write of this run is committed. */
  #emitAfterWrite(event: EngineEvent): void {
    if (!this.#env.hasListeners()) return;
    void this.#lastWrite.then((ok) => {
      if (ok === true) this.#env.emit(event);
    });
  }

  #eventError(error: unknown): EventError {
    const stored = this.#stored(error);
    const out: EventError = { name: stored.name, message: stored.message };
    if (stored.code !== undefined) out.code = stored.code;
    return out;
  }

  /** In strict durability, waits until everything this run wrote so far is committed. */
  async #barrier(): Promise<void> {
    if (this.#env.durability === 'strict') await this.#lastWrite;
  }

  #scheduleIdleCheck(): void {
    if (this.#idleCheckScheduled || this.#settled || this.#mode !== 'live') return;
    this.#idleCheckScheduled = true;
    setImmediate(() => {
      this.#idleCheckScheduled = false;
      if (this.#settled || this.#mode !== 'live') return;
      if (this.#active === 0 && this.#waits.size > 0) this.#settle?.({ kind: 'suspend' });
    });
  }

  /** Registers a wait at `seq`; `onDue` runs if its deadline passes while the run is still in memory. */
  #wait<T>(seq: number, wait: Wait, onDue?: () => T, onSignal?: (signal: SignalRecord) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      if (onSignal !== undefined) wait.take = (signal) => resolve(onSignal(signal));
      if (wait.until !== undefined && onDue !== undefined) {
        wait.timer = this.#env.clock.setTimer(wait.until - this.#env.clock.now(), () => {
          if (this.#mode !== 'live' || this.#waits.get(seq) !== wait) return;
          this.#waits.delete(seq);
          resolve(onDue());
        });
      }
      this.#waits.set(seq, wait);
      this.#scheduleIdleCheck();
    });
  }

  #clockSleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#env.clock.setTimer(ms, resolve));
  }

  #clearTimers(): void {
    for (const w of this.#waits.values()) w.timer?.cancel();
    this.#runTimer?.cancel();
  }

  #deadline(): number | undefined {
    const timeout = this.#workflow.options.timeout;
    return timeout === undefined ? undefined : this.#run.createdAt + toMillis(timeout, 'workflow timeout');
  }

  #armRunTimeout(): void {
    const deadline = this.#deadline();
    if (deadline === undefined) return;
    const fire = (): void => {
      this.#abortAll(new BatonError(ErrorCode.RunTimeout, `Run ${this.runId} timed out.`));
      this.#settle?.({
        kind: 'threw',
        error: new BatonError(
          ErrorCode.RunTimeout,
          `Run ${this.runId} of '${this.#workflow.name}' did not end within its timeout (${String(this.#workflow.options.timeout)}). Raise the workflow's timeout or find the slow step in the journal.`,
          { runId: this.runId, retryable: false },
        ),
      });
    };
    const remaining = deadline - this.#env.clock.now();
    if (remaining <= 0) queueMicrotask(fire);
    else this.#runTimer = this.#env.clock.setTimer(remaining, fire);
  }

  // ---------------------------------------------------------------- positions and replay

  /** Runs `op` unless the execution stopped; a non-determinism error stops the run. */
  #guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.#mode === 'stopped') return never();
    try {
      const promise = op();
      // A failed operation the workflow never awaited must not become an unhandled rejection that
      // brings the worker down: awaiting code still sees the rejection.
      promise.catch(() => {});
      return promise;
    } catch (error) {
      if ((error as { code?: unknown }).code === ErrorCode.NonDeterminism) {
        if (this.#mode === 'live') this.#settle?.({ kind: 'nondeterminism', error: error as BatonError });
        this.#mode = this.#mode === 'collect' ? 'stopped' : this.#mode;
        return never();
      }
      return Promise.reject(error);
    }
  }

  #record(seq: number, kind: EntryKind, name: string, output: unknown, startedAt = this.#env.clock.now(), attempts = 1): JournalEntry {
    const entry: JournalEntry = {
      runId: this.runId,
      seq,
      kind,
      name,
      status: 'completed',
      output: this.#env.codec.encode(output, `${kind} '${name}' of run ${this.runId}`),
      attempts,
      startedAt,
      endedAt: this.#env.clock.now(),
    };
    if (this.#mode === 'live') void this.#write({ journal: [entry] });
    return entry;
  }

  #recordFailure(seq: number, kind: EntryKind, name: string, error: unknown, attempts: number, startedAt: number): Promise<boolean> {
    const entry: JournalEntry = {
      runId: this.runId,
      seq,
      kind,
      name,
      status: 'failed',
      error: this.#stored(error),
      attempts,
      startedAt,
      endedAt: this.#env.clock.now(),
    };
    return this.#mode === 'live' ? this.#write({ journal: [entry] }) : Promise.resolve(false);
  }

  #replay(entry: JournalEntry): unknown {
    if (entry.status === 'failed') throw fromStoredError(this.#env.codec, entry.error);
    return this.#env.codec.decode(entry.output);
  }

  // ---------------------------------------------------------------- operations

  #step<T>(name: string, fn: (info: StepInfo) => T | Promise<T>, options: StepOptions<T> = {}): Promise<T> {
    return this.#guard(() => {
      const { seq, entry } = this.#cursor.take('step', name);
      if (entry !== undefined) {
        if (entry.status === 'completed') {
          const output = this.#env.codec.decode(entry.output) as T;
          this.#addCompensation(seq, name, output, options);
          return Promise.resolve(output);
        }
        return Promise.reject(fromStoredError(this.#env.codec, entry.error));
      }
      if (this.#mode !== 'live') return never();
      return this.#runStep(seq, name, fn, options);
    });
  }

  #addCompensation<T>(seq: number, name: string, output: T, options: StepOptions<T>): void {
    if (options.compensate === undefined) return;
    this.#compensations.push({
      seq,
      name,
      output,
      fn: options.compensate as (result: unknown, info: StepInfo) => unknown,
      retry: options.compensateRetry ?? options.retry,
    });
  }

  async #runStep<T>(seq: number, name: string, fn: (info: StepInfo) => T | Promise<T>, options: StepOptions<T>): Promise<T> {
    const policy = resolveRetryPolicy(this.#env.defaultRetry, this.#workflow.options.retry, options.retry);
    const timeoutMs = options.timeout === undefined ? undefined : toMillis(options.timeout, `timeout of step '${name}'`);
    const heartbeatTimeoutMs = options.heartbeatTimeout === undefined ? undefined : toMillis(options.heartbeatTimeout, `heartbeatTimeout of step '${name}'`);
    const prior = this.#retries.get(seq);
    let attempt = (prior?.attempts ?? 0) + 1;
    const startedAt = this.#env.clock.now();
    this.#active++;
    try {
      if (prior !== undefined && prior.nextAttemptAt > this.#env.clock.now()) await this.#retryWait(seq, name, prior.nextAttemptAt);
      for (;;) {
        await this.#barrier();
        if (this.#mode !== 'live') return await never<T>();
        const running = startAttempt(fn, {
          clock: this.#env.clock,
          runId: this.runId,
          step: name,
          attempt,
          idempotencyKey: `${this.runId}:${seq}`,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs }),
        });
        if (this.#runAbort.signal.aborted) running.abort(this.#runAbort.signal.reason);
        this.#attempts.add(running);
        const result = await running.result;
        this.#attempts.delete(running);
        if (this.#mode !== 'live') return await never<T>();
        let error: unknown;
        if (result.ok) {
          try {
            // The workflow sees what a replay would see: the value as decoded from the journal.
            const entry = this.#record(seq, 'step', name, result.value, startedAt, attempt);
            const value = this.#env.codec.decode(entry.output) as T;
            this.#emitAfterWrite({
              type: 'step.completed',
              runId: this.runId,
              workflow: this.#run.workflow,
              step: name,
              seq,
              attempts: attempt,
              durationMs: this.#env.clock.now() - startedAt,
            });
            this.#addCompensation(seq, name, value, options);
            // No barrier here: the workflow code up to the next step is pure, and the next step's
            // side effect waits (in strict durability) until this result is committed.
            return value;
          } catch (encodeError) {
            error = encodeError; // e.g. BATON_PAYLOAD_TOO_LARGE: not retryable
          }
        } else {
          error = result.error;
        }
        if (!shouldRetry(policy, attempt, error)) {
          const failure = new BatonError(
            ErrorCode.StepFailed,
            `Step '${name}' of run ${this.runId} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${errorMessage(error)}`,
            { runId: this.runId, step: name, retryable: false, cause: error, details: { attempts: attempt, seq } },
          );
          void this.#recordFailure(seq, 'step', name, failure, attempt, startedAt);
          this.#emitAfterWrite({
            type: 'step.failed',
            runId: this.runId,
            workflow: this.#run.workflow,
            step: name,
            seq,
            attempt,
            error: this.#eventError(error),
          });
          throw failure;
        }
        const delay = backoffDelay(policy, attempt, this.#env.random());
        const nextAttemptAt = this.#env.clock.now() + delay;
        const retry: StepRetryRecord = { seq, attempts: attempt, nextAttemptAt, error: this.#stored(error) };
        this.#retries.set(seq, retry);
        void this.#write({ stepRetries: [retry] });
        this.#emitAfterWrite({
          type: 'step.failed',
          runId: this.runId,
          workflow: this.#run.workflow,
          step: name,
          seq,
          attempt,
          error: this.#eventError(error),
          retryInMs: delay,
        });
        this.#env.logger.debug({ runId: this.runId, step: name, attempt, delay, err: error }, 'step attempt failed; retrying');
        if (delay <= this.#env.inMemoryBackoffMs) await this.#clockSleep(delay);
        else await this.#retryWait(seq, name, nextAttemptAt);
        attempt++;
      }
    } finally {
      this.#active--;
      this.#scheduleIdleCheck();
    }
  }

  /** A long back-off: the step stops counting as active, so the run can suspend until `until`. */
  async #retryWait(seq: number, name: string, until: number): Promise<void> {
    this.#active--;
    try {
      await this.#wait(seq, { kind: 'retry', op: { kind: 'step', name }, until }, () => undefined);
    } finally {
      this.#active++;
    }
  }

  #sleepUntil(until: () => number): Promise<void> {
    return this.#guard(() => {
      const { seq, entry } = this.#cursor.take('sleep', 'sleep');
      if (entry !== undefined) return Promise.resolve();
      if (this.#mode !== 'live') return never();
      const due = this.#cursor.timer(seq) ?? until();
      if (due <= this.#env.clock.now()) {
        this.#record(seq, 'sleep', 'sleep', due);
        return Promise.resolve();
      }
      return this.#wait(seq, { kind: 'timer', op: { kind: 'sleep', name: 'sleep' }, until: due }, () => void this.#record(seq, 'sleep', 'sleep', due));
    });
  }

  #waitForSignal<T>(name: string, options: WaitForSignalOptions<T> = {}): Promise<T | typeof TIMED_OUT> {
    return this.#guard(() => {
      const { seq, entry } = this.#cursor.take('signal', name);
      if (entry !== undefined) {
        if (entry.status === 'failed' && entry.error?.code === ErrorCode.Timeout) return Promise.resolve(TIMED_OUT);
        return Promise.resolve().then(() => this.#replay(entry) as T);
      }
      if (this.#mode !== 'live') return never();
      const index = this.#signals.findIndex((s) => s.name === name);
      const found = index >= 0 ? this.#signals.splice(index, 1)[0] : undefined;
      if (found !== undefined) return this.#consumeSignal(seq, found, options);
      let until: number | undefined;
      if (options.timeout !== undefined) {
        until = this.#cursor.timer(seq) ?? this.#env.clock.now() + toMillis(options.timeout, `timeout of signal '${name}'`);
        if (until <= this.#env.clock.now()) return this.#signalTimedOut(seq, name);
      }
      const op = { kind: 'signal' as const, name };
      const wait: Wait = until === undefined ? { kind: 'signal', op, signal: name } : { kind: 'signal', op, signal: name, until };
      return this.#wait<Promise<T | typeof TIMED_OUT>>(
        seq,
        wait,
        () => this.#signalTimedOut(seq, name),
        (signal) => this.#consumeSignal(seq, signal, options),
      ).then((p) => p);
    });
  }

  async #consumeSignal<T>(seq: number, signal: SignalRecord, options: WaitForSignalOptions<T>): Promise<T> {
    let data = this.#env.codec.decode(signal.payload);
    const now = this.#env.clock.now();
    if (options.schema !== undefined) {
      try {
        data = validate(options.schema, data, this.#validation(ErrorCode.InvalidSignal, `signal '${signal.name}'`));
      } catch (error) {
        const entry: JournalEntry = {
          runId: this.runId,
          seq,
          kind: 'signal',
          name: signal.name,
          status: 'failed',
          error: this.#stored(error),
          attempts: 1,
          startedAt: now,
          endedAt: now,
        };
        await this.#write({ journal: [entry], consumeSignals: [signal.id] });
        throw error;
      }
    }
    const entry: JournalEntry = {
      runId: this.runId,
      seq,
      kind: 'signal',
      name: signal.name,
      status: 'completed',
      output: this.#env.codec.encode(data, `signal '${signal.name}'`),
      attempts: 1,
      startedAt: now,
      endedAt: now,
    };
    void this.#write({ journal: [entry], consumeSignals: [signal.id] });
    this.#emitAfterWrite({ type: 'signal.received', runId: this.runId, workflow: this.#run.workflow, signal: signal.name, seq });
    return data as T;
  }

  async #signalTimedOut(seq: number, name: string): Promise<typeof TIMED_OUT> {
    const now = this.#env.clock.now();
    const error = new BatonError(ErrorCode.Timeout, `No signal '${name}' arrived in time.`, { runId: this.runId });
    await this.#recordFailure(seq, 'signal', name, error, 1, now);
    return TIMED_OUT;
  }

  #child<I, O>(workflow: Workflow<I, O>, input: I, options: ChildOptions = {}): Promise<O> {
    return this.#guard(() => {
      const { seq, entry } = this.#cursor.take('child', workflow.name);
      if (entry !== undefined) return Promise.resolve().then(() => this.#replay(entry) as O);
      if (this.#mode !== 'live') return never();
      const records = this.#children.filter((c) => c.parentSeq === seq);
      const final = records.find((c) => c.continuedTo === undefined);
      if (final !== undefined && isTerminalStatus(final.status)) return this.#childEnded(seq, workflow.name, final);
      if (records.length > 0) {
        const id = (final ?? records[records.length - 1])!.id;
        return this.#wait(seq, { kind: 'child', op: { kind: 'child', name: workflow.name }, childId: id });
      }
      let payload: string;
      try {
        let value: unknown = input;
        const schema = workflow.options.input;
        if (schema !== undefined) value = validate(schema, value, this.#validation(ErrorCode.InvalidInput, `input of child '${workflow.name}'`));
        payload = this.#env.codec.encode(value, `input of child '${workflow.name}'`);
      } catch (error) {
        return Promise.reject(error);
      }
      const id = options.id ?? `${this.runId}-${seq}`;
      const child: NewRun = {
        id,
        workflow: workflow.name,
        version: workflow.version,
        input: payload,
        queue: options.queue ?? workflow.options.queue ?? 'default',
        priority: options.priority ?? workflow.options.priority ?? this.#run.priority,
        parentId: this.runId,
        parentSeq: seq,
      };
      void this.#write({ createRuns: [child] });
      return this.#wait(seq, { kind: 'child', op: { kind: 'child', name: workflow.name }, childId: id });
    });
  }

  #childEnded<O>(seq: number, name: string, child: ChildRecord): Promise<O> {
    const now = this.#env.clock.now();
    if (child.status === 'completed') {
      const entry: JournalEntry = { runId: this.runId, seq, kind: 'child', name, status: 'completed', attempts: 1, startedAt: now, endedAt: now };
      if (child.output !== undefined) entry.output = child.output;
      void this.#write({ journal: [entry] });
      return Promise.resolve(this.#env.codec.decode(child.output) as O);
    }
    const error = new BatonError(
      ErrorCode.ChildFailed,
      `Child run ${child.id} ('${name}') of run ${this.runId} ended ${child.status}: ${child.error?.message ?? 'no error recorded'}`,
      {
        runId: this.runId,
        retryable: false,
        cause: fromStoredError(this.#env.codec, child.error),
        details: { childId: child.id, status: child.status },
      },
    );
    return this.#recordFailure(seq, 'child', name, error, 1, now).then(() => Promise.reject(error));
  }

  #syncValue<T>(kind: 'now' | 'random' | 'uuid', make: () => T): T {
    if (this.#mode === 'stopped') return make();
    let position: { seq: number; entry: JournalEntry | undefined };
    try {
      position = this.#cursor.take(kind, kind);
    } catch (error) {
      if (this.#mode === 'live') this.#settle?.({ kind: 'nondeterminism', error: error as BatonError });
      throw error;
    }
    if (position.entry !== undefined) return this.#env.codec.decode(position.entry.output) as T;
    const value = make();
    this.#record(position.seq, kind, kind, value);
    return value;
  }

  #patched(id: string): boolean {
    if (this.#mode === 'stopped') return true;
    const { state, seq } = this.#cursor.patch(id);
    if (state === 'new') this.#record(seq, 'patch', id, true);
    return state !== 'old';
  }

  #makeContext(): WorkflowContext {
    const run = this.#run;
    const ctx: WorkflowContext = {
      runId: run.id,
      workflow: run.workflow,
      version: run.version,
      signal: this.#runAbort.signal,
      step: (name, fn, options) => this.#step(name, fn, options),
      sleep: (duration: Duration) => {
        const ms = toMillis(duration, 'sleep duration');
        return this.#sleepUntil(() => this.#env.clock.now() + ms);
      },
      sleepUntil: (date: Date | number) => this.#sleepUntil(() => (typeof date === 'number' ? date : date.getTime())),
      waitForSignal: ((name: string, options?: WaitForSignalOptions<unknown>) => this.#waitForSignal(name, options)) as WorkflowContext['waitForSignal'],
      child: (workflow, input, options) => this.#child(workflow, input, options),
      continueAsNew: (input: unknown) => {
        if (this.#mode === 'live') this.#settle?.({ kind: 'continue', input });
        return never();
      },
      now: () => this.#syncValue('now', () => new Date(this.#env.clock.now())),
      random: () => this.#syncValue('random', () => Math.random()),
      uuid: () => this.#syncValue('uuid', () => crypto.randomUUID()),
      setProgress: (value: unknown) => {
        if (this.#mode !== 'live') return;
        const encoded = this.#env.codec.encode(value, `progress of run ${this.runId}`);
        // While replaying, earlier values were already shown: keep only the latest, written when new work starts.
        if (this.#cursor.replaying) this.#deferredProgress = encoded;
        else this.#writeProgress(encoded);
      },
      patched: (id: string) => this.#patched(id),
    };
    return Object.freeze(ctx);
  }

  // ---------------------------------------------------------------- errors

  #stored(error: unknown): StoredError {
    return toStoredError(this.#env.codec, error);
  }

  #cancelledError(): BatonError {
    return new BatonError(ErrorCode.Cancelled, `Run ${this.runId} was cancelled.`, { runId: this.runId, retryable: false });
  }

  #validation(code: string, what: string): ValidationContext {
    return { code, what: `${what} of run ${this.runId} ('${this.#workflow.name}')`, advice: 'Fix the value to match the schema.', runId: this.runId };
  }
}
