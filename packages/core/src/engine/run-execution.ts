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
import { BatonError, ErrorCode } from '../errors/errors.js';
import { validate } from '../errors/validation.js';
import { backoffDelay, resolveRetryPolicy, shouldRetry } from '../retry/retry-policy.js';
import {
  isTerminalStatus,
  type JournalEntry,
  type NewRun,
  type RunRecord,
  type RunStatus,
  type RunWaits,
  type SignalRecord,
  type StoredError,
} from '../store/records.js';
import type { ClaimedRun, WriteOp } from '../store/store.js';
import type { TimerHandle } from '../time/clock.js';
import { toMillis } from '../time/duration.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import type { WorkflowContext } from '../workflow/workflow-context.js';
import type { ExecutionEnvironment } from './engine-internals.js';
import { RunState, type Compensation, type Outcome } from './run-state.js';
import { pendingSince } from './pending-since.js';
import { inlineSpilled } from './spilled-payloads.js';
import { startAttempt } from './step-attempt.js';
import { createWorkflowContext } from './workflow-operations.js';

export class RunExecution {
  readonly runId: string;
  readonly leaseToken: string;
  /** Settles when the execution has ended (whatever the outcome). */
  readonly finished: Promise<void>;
  /** When the run suspended on a timer, the time it is due. */
  suspendedUntil: number | undefined;

  readonly #s: RunState;
  readonly #ctx: WorkflowContext;
  #settled = false;
  #compensating = false;
  #runTimer: TimerHandle | undefined;
  /** An outcome asked for from outside before the body started. */
  #requested: Outcome | undefined;

  constructor(env: ExecutionEnvironment, claimed: ClaimedRun, workflow: AnyWorkflow, initialWrite?: Promise<unknown>) {
    this.#s = new RunState(env, claimed, workflow, initialWrite);
    this.#s.onLost = () => this.abandon();
    this.runId = claimed.run.id;
    this.leaseToken = claimed.leaseToken;
    this.#ctx = createWorkflowContext(this.#s);
    this.finished = this.#execute().catch((error: unknown) => {
      env.logger.error(
        { runId: this.runId, workflow: claimed.run.workflow, err: error },
        'run execution crashed; its lease will expire and another execution will take it over',
      );
    });
  }

  /** Cancels the run: aborts its running steps, ends its waits, then compensates. */
  cancel(reason?: StoredError): void {
    if (this.#compensating || this.#settled) return;
    if (reason !== undefined) this.#s.cancelReason = reason;
    this.#s.abortAll(() => this.#s.cancelledError());
    this.#request({ kind: 'cancel' });
  }

  /** Gives the run back to the queue (graceful shutdown). */
  release(): void {
    if (this.#settled) return;
    this.#s.abortAll(
      () => new BatonError(ErrorCode.EngineStopped, `The engine stopped while run ${this.runId} was running; the run was released and will resume elsewhere.`),
    );
    this.#request({ kind: 'release' });
  }

  /** The lease was lost: stop at once and write nothing more. */
  abandon(): void {
    if (!this.#s.lost) {
      this.#s.env.logger.warn({ runId: this.runId, workflow: this.#s.run.workflow }, 'lease lost: another execution owns the run now; this one stops');
      this.#s.trace.outcome('lease-lost', new BatonError(ErrorCode.LeaseLost, `Run ${this.runId} lost its lease.`));
    }
    this.#s.lost = true;
    this.#s.abortAll(() => new BatonError(ErrorCode.LeaseLost, `Run ${this.runId} lost its lease; another execution owns it now.`));
    this.#request({ kind: 'lost' });
  }

  get isLost(): boolean {
    return this.#s.lost;
  }

  /** A signal for this run arrived while it is in memory: hand it to the first wait for its name. */
  deliverSignal(signal: SignalRecord): void {
    const s = this.#s;
    if (s.env.codec.isSpilled(signal.payload)) {
      // A large signal is read back from the blob store before it is delivered.
      s.env.codec.inline(signal.payload).then(
        (payload) => this.deliverSignal({ ...signal, payload }),
        (error: unknown) =>
          s.env.logger.error({ runId: this.runId, err: error }, 'reading a large signal from the blob store failed; the run takes it at its next claim'),
      );
      return;
    }
    // Older signals were in the claim (or consumed before it); each new one is taken once.
    if (s.mode !== 'live' || signal.id <= s.signalHorizon || s.deliveredSignals.has(signal.id)) return;
    s.deliveredSignals.add(signal.id);
    let first: number | undefined;
    for (const [seq, wait] of s.waits) if (wait.signal === signal.name && wait.take !== undefined && (first === undefined || seq < first)) first = seq;
    const wait = first === undefined ? undefined : s.waits.get(first);
    if (first === undefined || wait === undefined) {
      s.signals.push(signal);
      return;
    }
    s.waits.delete(first);
    wait.timer?.cancel();
    wait.take?.(signal);
  }

  #request(outcome: Outcome): void {
    this.#requested ??= outcome;
    this.#s.settle?.(outcome);
  }

  // ---------------------------------------------------------------- lifecycle

  async #execute(): Promise<void> {
    const s = this.#s;
    s.env.emit({ type: 'run.started', runId: this.runId, workflow: s.run.workflow, namespace: s.run.namespace, claims: s.run.claims });
    try {
      let input: unknown;
      try {
        if (s.env.codec.blobs !== undefined) await inlineSpilled(s.env.codec, s.run, s.cursor.entries(), s.signals, s.children);
        input = s.env.codec.decode(s.run.input);
        const schema = s.workflow.options.input;
        if (schema !== undefined) input = validate(schema, input, s.validation(ErrorCode.InvalidInput, 'input'));
      } catch (error) {
        await s.fail(s.stored(error));
        return;
      }
      if (s.run.phase === 'compensating') {
        await this.#collectCompensations(input);
        await this.#compensate(s.run.endStatus ?? 'failed', s.run.error, true);
      } else if (s.run.cancelRequested) {
        await this.#cancelChildren();
        await this.#collectCompensations(input);
        await this.#compensate('cancelled', s.cancelReason ?? s.stored(s.cancelledError()), false);
      } else {
        await this.#runBody(input);
      }
    } catch (error) {
      s.trace.outcome('crashed', error);
      throw error;
    } finally {
      s.mode = 'stopped';
      s.clearWaitTimers();
      this.#runTimer?.cancel();
      s.trace.end();
    }
  }

  async #runBody(input: unknown): Promise<void> {
    const s = this.#s;
    const outcome = await new Promise<Outcome>((resolve) => {
      s.settle = (o) => {
        if (this.#settled) return;
        this.#settled = true;
        s.mode = 'stopped';
        resolve(o);
      };
      let body: Promise<unknown>;
      try {
        body = Promise.resolve(s.workflow.fn(this.#ctx, input));
      } catch (error) {
        body = Promise.reject(error);
      }
      body.then(
        (value) => s.settle?.({ kind: 'returned', value }),
        (error: unknown) => s.settle?.({ kind: 'threw', error }),
      );
      this.#armRunTimeout();
      s.scheduleIdleCheck();
      if (this.#requested !== undefined) s.settle(this.#requested);
    });
    s.clearWaitTimers();
    this.#runTimer?.cancel();
    if (outcome.kind !== 'suspend') s.abortAll(() => new BatonError(ErrorCode.EngineStopped, `Run ${this.runId} ended while this step was running.`));
    switch (outcome.kind) {
      case 'returned':
        return this.#complete(outcome.value);
      case 'threw':
        return this.#fail(outcome.error);
      case 'suspend':
        return this.#suspend();
      case 'nondeterminism':
        s.env.logger.warn({ runId: this.runId, workflow: s.run.workflow, err: outcome.error }, 'non-determinism: run stopped');
        await s.fail(s.stored(outcome.error));
        return;
      case 'cancel':
        await this.#cancelChildren();
        return this.#compensate('cancelled', s.cancelReason ?? s.stored(s.cancelledError()), false);
      case 'continue':
        return this.#continueAsNew(outcome.input);
      case 'release':
        await s.write({ transition: { kind: 'release' } });
        return;
      case 'lost':
        return;
    }
  }

  async #complete(value: unknown): Promise<void> {
    const s = this.#s;
    const unvisited = s.cursor.unvisited();
    if (unvisited !== undefined) {
      return this.#fail(s.cursor.nonDeterminism(unvisited.seq, `${unvisited.kind} '${unvisited.name}'`, 'nothing (the workflow returned before reaching it)'));
    }
    let encoded: string;
    try {
      const schema = s.workflow.options.output;
      const output = schema === undefined ? value : validate(schema, value, s.validation(ErrorCode.InvalidOutput, 'output'));
      encoded = s.env.codec.encode(output, `output of run ${this.runId}`, s.owner);
    } catch (error) {
      return this.#fail(error);
    }
    await s.write({ transition: { kind: 'complete', output: encoded } });
  }

  async #fail(error: unknown): Promise<void> {
    const s = this.#s;
    if (s.compensations.some((c) => !s.cursor.isCompensated(c.seq))) return this.#compensate('failed', s.stored(error), false);
    await s.fail(s.stored(error));
  }

  /** Records what wakes the run (timers by position, signal names, child ids) and lets it go. */
  async #suspend(): Promise<void> {
    const s = this.#s;
    const waits: RunWaits = { signals: [], children: [], timers: {}, pending: pendingSince(s.run.waits, s.waits, s.escalations, s.env.clock.now()) };
    let wakeAt: number | undefined;
    for (const [seq, wait] of s.waits) {
      if (wait.signal !== undefined) waits.signals.push(wait.signal);
      if (wait.childId !== undefined) waits.children.push(wait.childId);
      if (wait.until !== undefined) {
        waits.timers[String(seq)] = wait.until;
        wakeAt = wakeAt === undefined ? wait.until : Math.min(wakeAt, wait.until);
      }
    }
    if (s.escalations.size > 0) waits.escalations = [...s.escalations.values()];
    const since = Math.min(...(waits.pending ?? []).map((p) => p.since ?? Infinity));
    if (Number.isFinite(since)) waits.since = since;
    const deadline = this.#deadline();
    if (deadline !== undefined) wakeAt = wakeAt === undefined ? deadline : Math.min(wakeAt, deadline);
    if (await s.write({ transition: wakeAt === undefined ? { kind: 'suspend', waits } : { kind: 'suspend', wakeAt, waits } })) this.suspendedUntil = wakeAt;
  }

  async #continueAsNew(input: unknown): Promise<void> {
    const s = this.#s;
    let encoded: string;
    const nextId = s.env.newId();
    try {
      encoded = s.env.codec.encode(input, `continueAsNew input of run ${this.runId}`, { runId: nextId, namespace: s.run.namespace });
    } catch (error) {
      return this.#fail(error);
    }
    const next: NewRun = {
      id: nextId,
      workflow: s.run.workflow,
      // An empty version is pinned by the worker that claims it: continueAsNew moves onto current code.
      version: '',
      input: encoded,
      queue: s.run.queue,
      priority: s.run.priority,
      continuedFrom: this.runId,
      namespace: s.run.namespace,
      tags: s.run.tags,
      ...continuedLimits(s.run),
    };
    if (s.run.parentId !== undefined) next.parentId = s.run.parentId;
    if (s.run.parentSeq !== undefined) next.parentSeq = s.run.parentSeq;
    await s.write({ createRuns: [next], transition: { kind: 'continue', nextRunId: next.id } });
  }

  async #cancelChildren(): Promise<void> {
    const s = this.#s;
    const ids = new Set<string>();
    for (const w of s.waits.values()) if (w.childId !== undefined) ids.add(w.childId);
    for (const c of s.children) if (!isTerminalStatus(c.status)) ids.add(c.id);
    for (const id of ids) {
      try {
        await s.env.requestCancel(id);
      } catch {
        // A child that already ended needs no cancel.
      }
    }
  }

  #deadline(): number | undefined {
    const timeout = this.#s.workflow.options.timeout;
    return timeout === undefined ? undefined : this.#s.run.createdAt + toMillis(timeout, 'workflow timeout');
  }

  #armRunTimeout(): void {
    const s = this.#s;
    const deadline = this.#deadline();
    if (deadline === undefined) return;
    const fire = (): void => {
      const error = new BatonError(
        ErrorCode.RunTimeout,
        `Run ${this.runId} of '${s.workflow.name}' did not end within its timeout (${String(s.workflow.options.timeout)}). Raise the workflow's timeout or find the slow step in the journal.`,
        { runId: this.runId, retryable: false },
      );
      s.abortAll(() => error);
      s.settle?.({ kind: 'threw', error });
    };
    const remaining = deadline - s.env.clock.now();
    if (remaining <= 0) queueMicrotask(fire);
    else this.#runTimer = s.env.clock.setTimer(remaining, fire);
  }

  // ---------------------------------------------------------------- compensation (saga)

  /** Replays the body without running anything new, to learn the compensations of completed steps. */
  async #collectCompensations(input: unknown): Promise<void> {
    const s = this.#s;
    s.mode = 'collect';
    s.settle = () => {};
    try {
      Promise.resolve(s.workflow.fn(this.#ctx, input)).catch(() => {});
    } catch {
      // The body failed synchronously: what it registered before failing is what there is.
    }
    // Replayed operations resolve in microtasks; once a macrotask turn has passed, the body is at its frontier.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    s.mode = 'stopped';
  }

  /** Runs the compensations of completed steps in reverse order, each a journaled step, then ends the run. */
  async #compensate(endStatus: RunStatus, error: StoredError | undefined, alreadyMarked: boolean): Promise<void> {
    const s = this.#s;
    this.#compensating = true;
    const todo = s.compensations.filter((c) => !s.cursor.isCompensated(c.seq)).sort((a, b) => b.seq - a.seq);
    if (todo.length > 0 && !alreadyMarked) {
      const plan = todo.map((c) => ({ seq: c.seq, name: c.name }));
      const compensate: WriteOp['compensate'] = error === undefined ? { endStatus, plan } : { endStatus, error, plan };
      if (!(await s.write({ compensate }))) return;
    }
    if (todo.length > 0)
      s.env.emit({ type: 'run.compensating', runId: this.runId, workflow: s.run.workflow, namespace: s.run.namespace, steps: todo.map((c) => c.name) });
    let seq = s.cursor.lastSeq();
    const failed: string[] = [];
    for (const c of todo) {
      seq++;
      const ok = await this.#runCompensation(c, seq);
      if (s.lost) return;
      if (!ok) failed.push(c.name);
    }
    let finalError = error;
    if (failed.length > 0) {
      const steps = failed.map((n) => `'${n}'`).join(', ');
      const message = `${error?.message ?? 'Run cancelled'} (compensation failed for step${failed.length > 1 ? 's' : ''} ${steps}: see the journal and repair by hand)`;
      finalError = { ...(error ?? { name: 'BatonError', code: ErrorCode.Cancelled }), message };
      delete finalError.encoded;
    }
    if (endStatus === 'cancelled') await s.write({ transition: finalError === undefined ? { kind: 'cancel' } : { kind: 'cancel', error: finalError } });
    else await s.fail(finalError ?? { name: 'Error', message: 'failed' });
  }

  async #runCompensation(c: Compensation, seq: number): Promise<boolean> {
    const s = this.#s;
    const policy = resolveRetryPolicy(s.env.defaultRetry, s.workflow.options.retry, c.retry);
    const name = `compensate:${c.name}`;
    const startedAt = s.env.clock.now();
    for (let attempt = 1; ; attempt++) {
      const attemptOptions = { clock: s.env.clock, runId: this.runId, step: name, attempt, idempotencyKey: `${this.runId}:${seq}`, input: c.output };
      const span = s.trace.startStep(name, seq, attempt);
      const result = await s.trace.runIn(span, () => startAttempt((info) => c.fn(c.output, info), attemptOptions)).result;
      s.trace.endStep(span, result.ok, result.ok ? undefined : result.error);
      if (s.lost) return false;
      if (!result.ok)
        s.env.logger.info({ runId: this.runId, workflow: s.run.workflow, step: name, seq, attempt, err: result.error }, 'compensation attempt failed');
      if (result.ok || !shouldRetry(policy, attempt, result.error)) {
        const entry: JournalEntry = {
          runId: this.runId,
          seq,
          kind: 'compensation',
          name,
          status: result.ok ? 'completed' : 'failed',
          attempts: attempt,
          startedAt,
          endedAt: s.env.clock.now(),
          compensates: c.seq,
        };
        // What the compensation worked on: the result of the step it undoes, as journaled there.
        if (c.encodedOutput !== undefined) entry.input = c.encodedOutput;
        if (!result.ok) entry.error = s.stored(result.error);
        s.cursor.add(entry);
        if (await s.write({ journal: [entry] })) {
          s.env.emit({
            type: 'compensation.completed',
            runId: this.runId,
            workflow: s.run.workflow,
            namespace: s.run.namespace,
            step: c.name,
            seq,
            ok: result.ok,
          });
        }
        return result.ok;
      }
      await s.clockSleep(backoffDelay(policy, attempt, s.env.random()));
    }
  }
}

/** A run continued as new keeps its limits (the key came from the first run's input). */
function continuedLimits(run: RunRecord): Partial<NewRun> {
  const limits: Partial<NewRun> = {};
  if (run.concurrencyKey !== undefined) limits.concurrencyKey = run.concurrencyKey;
  if (run.concurrencyLimit !== undefined) limits.concurrencyLimit = run.concurrencyLimit;
  if (run.rateKey !== undefined) limits.rateKey = run.rateKey;
  if (run.rateLimit !== undefined) limits.rateLimit = run.rateLimit;
  return limits;
}
