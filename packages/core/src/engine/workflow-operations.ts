/**
 * The ctx operations a workflow calls. Each takes the next journal position synchronously, returns
 * the recorded result when replaying, and otherwise does the work: runs a step with retries, waits
 * on a timer, a signal or a child run, or journals a value.
 */
import { BatonError, ErrorCode, errorMessage } from '../errors/errors.js';
import { validate } from '../errors/validation.js';
import { backoffDelay, resolveRetryPolicy, shouldRetry } from '../retry/retry-policy.js';
import { isTerminalStatus, type ChildRecord, type JournalEntry, type NewRun, type SignalRecord, type StepRetryRecord } from '../store/records.js';
import { toMillis, type Duration } from '../time/duration.js';
import { isWorkflow, type Workflow } from '../workflow/workflow.js';
import { runLimits, stepLimiter } from '../workflow/flow.js';
import { assertEventMatch, assertEventType, eventSignalName } from '../events/events.js';
import {
  TIMED_OUT,
  type ChildOptions,
  type StepInfo,
  type StepOptions,
  type WaitForEventOptions,
  type WaitForSignalOptions,
  type WorkflowContext,
} from '../workflow/workflow-context.js';
import { never, type RunState, type Wait } from './run-state.js';
import { startAttempt } from './step-attempt.js';
import { applyContextExtensions } from '../workflow/context-extensions.js';
import { fromStoredError } from './stored-errors.js';
import { resolveEscalation } from '../escalation/escalation-policy.js';
import { SignalEscalation, journalDecision } from '../escalation/signal-escalation.js';

/** Builds the `ctx` object a workflow function receives for this execution. */
export function createWorkflowContext(state: RunState): WorkflowContext {
  const ops = new WorkflowOperations(state);
  const { run, env } = state;
  const ctx: WorkflowContext = {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    get signal() {
      return state.signal;
    },
    step: (name, fn, options) => {
      if (typeof name !== 'string' || name.length === 0)
        return Promise.reject(misuse(run.id, `ctx.step needs a name (a non-empty string), not ${String(name)}.`));
      if (typeof fn !== 'function') return Promise.reject(misuse(run.id, `ctx.step('${name}', fn) needs a function as its second argument.`));
      return ops.step(name, fn, options);
    },
    sleep: (duration: Duration) => {
      const ms = toMillis(duration, 'sleep duration');
      return ops.sleepUntil(() => env.clock.now() + ms);
    },
    sleepUntil: (date: Date | number) => ops.sleepUntil(() => (typeof date === 'number' ? date : date.getTime())),
    waitForSignal: ((name: string, options?: WaitForSignalOptions<unknown>) => {
      if (typeof name !== 'string' || name.length === 0)
        return Promise.reject(misuse(run.id, `ctx.waitForSignal needs a signal name (a non-empty string), not ${String(name)}.`));
      return ops.waitForSignal(name, options);
    }) as WorkflowContext['waitForSignal'],
    waitForEvent: ((type: string, options?: WaitForEventOptions) => {
      try {
        assertEventType(type);
        assertEventMatch(options?.match, `ctx.waitForEvent('${type}')`);
      } catch (error) {
        return Promise.reject(misuse(run.id, (error as Error).message));
      }
      return ops.waitForEvent(type, options);
    }) as WorkflowContext['waitForEvent'],
    child: (workflow, input, options) => {
      if (!isWorkflow(workflow)) return Promise.reject(misuse(run.id, 'ctx.child needs a workflow made by defineWorkflow() as its first argument.'));
      return ops.child(workflow, input, options);
    },
    continueAsNew: (input: unknown) => {
      if (state.mode === 'live') state.settle?.({ kind: 'continue', input });
      return never();
    },
    now: () => ops.syncValue('now', () => new Date(env.clock.now())),
    random: () => ops.syncValue('random', () => Math.random()),
    uuid: () => ops.syncValue('uuid', () => crypto.randomUUID()),
    setProgress: (value: unknown) => {
      if (state.mode === 'live') state.setProgress(env.codec.encode(value, `progress of run ${run.id}`));
    },
    patched: (id: string) => ops.patched(id),
  };
  applyContextExtensions(ctx, { store: env.store, clock: env.clock, namespace: run.namespace });
  return Object.freeze(ctx);
}

/** A workflow called a ctx operation the wrong way: a bug in its code, so the run fails at once. */
function misuse(runId: string, message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, `${message} (run ${runId})`, { runId, retryable: false });
}

class WorkflowOperations {
  readonly #s: RunState;

  constructor(state: RunState) {
    this.#s = state;
  }

  // ---------------------------------------------------------------- steps

  step<T, I>(name: string, fn: (info: StepInfo<I>) => T | Promise<T>, options: StepOptions<T, I> = {}): Promise<T> {
    const s = this.#s;
    return s.guard(() => {
      const { seq, entry } = s.cursor.take('step', name);
      // A journaled step returns its recorded result: its input (informational) is not compared.
      if (entry !== undefined) {
        if (entry.status === 'completed') {
          const output = s.env.codec.decode(entry.output) as T;
          this.#addCompensation(seq, name, output, entry.output, options);
          return Promise.resolve(output);
        }
        if (entry.status === 'skipped') return Promise.resolve(s.env.codec.decode(entry.output) as T);
        return Promise.reject(fromStoredError(s.env.codec, entry.error));
      }
      if (s.mode !== 'live') return s.pastJournal();
      return this.#runStep(seq, name, fn, options);
    });
  }

  #addCompensation<T, I>(seq: number, name: string, output: T, encodedOutput: string | undefined, options: StepOptions<T, I>): void {
    if (options.compensate === undefined) return;
    this.#s.compensations.push({
      seq,
      name,
      output,
      encodedOutput,
      fn: options.compensate as (result: unknown, info: StepInfo) => unknown,
      retry: options.compensateRetry ?? options.retry,
    });
  }

  /**
   * Journals a step's failure for good (with its input, when it could be encoded) and returns the
   * BATON_STEP_FAILED error the workflow sees.
   */
  #failStep(seq: number, name: string, error: unknown, attempts: number, startedAt: number, input: string | undefined): BatonError {
    const s = this.#s;
    const when = attempts === 0 ? 'before its first attempt' : `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const failure = new BatonError(ErrorCode.StepFailed, `Step '${name}' of run ${s.runId} failed ${when}: ${errorMessage(error)}`, {
      runId: s.runId,
      step: name,
      retryable: false,
      cause: error,
      details: { attempts, seq },
    });
    void s.recordFailure(seq, 'step', name, failure, attempts, startedAt, input);
    s.emitAfterWrite({ type: 'step.failed', runId: s.runId, workflow: s.run.workflow, step: name, seq, attempt: attempts, error: s.eventError(error) });
    s.env.logger.info({ runId: s.runId, workflow: s.run.workflow, step: name, seq, attempt: attempts, err: error }, 'step failed');
    return failure;
  }

  async #runStep<T, I>(seq: number, name: string, fn: (info: StepInfo<I>) => T | Promise<T>, options: StepOptions<T, I>): Promise<T> {
    const s = this.#s;
    const { env } = s;
    const policy = resolveRetryPolicy(env.defaultRetry, s.workflow.options.retry, options.retry);
    const timeoutMs = options.timeout === undefined ? undefined : toMillis(options.timeout, `timeout of step '${name}'`);
    const heartbeatTimeoutMs = options.heartbeatTimeout === undefined ? undefined : toMillis(options.heartbeatTimeout, `heartbeatTimeout of step '${name}'`);
    const limiter = options.rateLimit === undefined ? undefined : stepLimiter(options.rateLimit, name);
    const prior = s.retries.get(seq);
    let attempt = (prior?.attempts ?? 0) + 1;
    const startedAt = env.clock.now();
    let input: string | undefined;
    if (options.input !== undefined) {
      try {
        input = env.codec.encode(options.input, `input of step '${name}' of run ${s.runId}`);
      } catch (encodeError) {
        // Like an output that cannot be journaled, but caught before the side effect runs.
        throw this.#failStep(seq, name, encodeError, attempt - 1, startedAt, undefined);
      }
    }
    s.active++;
    try {
      if (prior !== undefined && prior.nextAttemptAt > env.clock.now()) await this.#retryWait(seq, name, prior.nextAttemptAt);
      for (;;) {
        // Strict durability: this side effect starts only once everything before it is committed.
        await s.barrier();
        if (s.mode !== 'live') return await never<T>();
        if (limiter !== undefined) {
          const decision = await env.acquireRate(limiter.key, limiter.rate, env.clock.now());
          if (!decision.allowed) {
            // Not this attempt's turn yet: wait for it (suspending the run if it is far off), then ask again.
            const wait = decision.retryAt - env.clock.now();
            if (wait <= env.inMemoryBackoffMs) await s.clockSleep(Math.max(0, wait));
            else await this.#retryWait(seq, name, decision.retryAt);
            continue;
          }
        }
        const span = s.trace.startStep(name, seq, attempt);
        // The step function runs with its span active: spans it makes (its HTTP calls) are its children.
        const running = s.trace.runIn(span, () =>
          startAttempt(fn, {
            clock: env.clock,
            runId: s.runId,
            step: name,
            attempt,
            idempotencyKey: `${s.runId}:${seq}`,
            input: options.input,
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
            ...(heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs }),
          }),
        );
        const aborted = s.abortReason;
        if (aborted !== undefined) running.abort(aborted.reason);
        s.attempts.add(running);
        const result = await running.result;
        s.attempts.delete(running);
        s.trace.endStep(span, result.ok, result.ok ? undefined : result.error);
        if (s.mode !== 'live') return await never<T>();
        let error: unknown;
        if (result.ok) {
          try {
            // The workflow sees what a replay would see: the value as decoded from the journal.
            const entry = s.record(seq, 'step', name, result.value, startedAt, attempt, input, { immediate: options.journalAtOnce === true });
            const value = env.codec.decode(entry.output) as T;
            s.emitAfterWrite({
              type: 'step.completed',
              runId: s.runId,
              workflow: s.run.workflow,
              step: name,
              seq,
              attempts: attempt,
              durationMs: env.clock.now() - startedAt,
            });
            this.#addCompensation(seq, name, value, entry.output, options);
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
          if (options.fallback === undefined || s.abortReason !== undefined) throw this.#failStep(seq, name, error, attempt, startedAt, input);
          return await this.#skipStep(seq, name, error, attempt, startedAt, input, options.fallback);
        }
        const delay = backoffDelay(policy, attempt, env.random());
        const nextAttemptAt = env.clock.now() + delay;
        // Failed attempts are journaled so the count survives crashes and suspension.
        const retry: StepRetryRecord = { seq, attempts: attempt, nextAttemptAt, error: s.stored(error) };
        s.retries.set(seq, retry);
        void s.write({ stepRetries: [retry] });
        s.emitAfterWrite({
          type: 'step.failed',
          runId: s.runId,
          workflow: s.run.workflow,
          step: name,
          seq,
          attempt,
          error: s.eventError(error),
          retryInMs: delay,
        });
        env.logger.info({ runId: s.runId, workflow: s.run.workflow, step: name, seq, attempt, retryInMs: delay, err: error }, 'step attempt failed; retrying');
        if (delay <= env.inMemoryBackoffMs) await s.clockSleep(delay);
        else await this.#retryWait(seq, name, nextAttemptAt);
        attempt++;
      }
    } finally {
      s.active--;
      s.scheduleIdleCheck();
    }
  }

  /**
   * Journals a step whose attempts are spent as skipped, with its fallback as the result and the
   * error that made it give up; returns the fallback as a replay would decode it. A fallback that
   * throws, or cannot be journaled, fails the step as it would have failed without one.
   */
  async #skipStep<T>(
    seq: number,
    name: string,
    error: unknown,
    attempts: number,
    startedAt: number,
    input: string | undefined,
    fallback: T | ((error: unknown) => T | Promise<T>),
  ): Promise<T> {
    const s = this.#s;
    let entry: JournalEntry;
    try {
      const value = typeof fallback === 'function' ? await (fallback as (error: unknown) => T | Promise<T>)(error) : fallback;
      if (s.mode !== 'live') return await never<T>();
      entry = s.record(seq, 'step', name, value, startedAt, attempts, input, undefined, { error });
    } catch (fallbackError) {
      if (s.mode !== 'live') return await never<T>();
      throw this.#failStep(seq, name, fallbackError, attempts, startedAt, input);
    }
    s.env.logger.warn({ runId: s.runId, workflow: s.run.workflow, step: name, seq, attempt: attempts, err: error }, 'step skipped with its fallback');
    return s.env.codec.decode(entry.output) as T;
  }

  /** A long back-off: the step stops counting as active, so the run can suspend until `until`. */
  async #retryWait(seq: number, name: string, until: number): Promise<void> {
    const s = this.#s;
    s.active--;
    try {
      await s.wait(seq, { kind: 'retry', op: { kind: 'step', name }, until }, () => undefined);
    } finally {
      s.active++;
    }
  }

  // ---------------------------------------------------------------- timers

  sleepUntil(until: () => number): Promise<void> {
    const s = this.#s;
    return s.guard(() => {
      const { seq, entry } = s.cursor.take('sleep', 'sleep');
      if (entry !== undefined) return Promise.resolve();
      if (s.mode !== 'live') return s.pastJournal();
      const due = s.cursor.timer(seq) ?? until();
      if (due <= s.env.clock.now()) {
        s.record(seq, 'sleep', 'sleep', due);
        return Promise.resolve();
      }
      return s.wait(seq, { kind: 'timer', op: { kind: 'sleep', name: 'sleep' }, until: due }, () => void s.record(seq, 'sleep', 'sleep', due));
    });
  }

  // ---------------------------------------------------------------- signals

  waitForSignal<T>(name: string, options: WaitForSignalOptions<T> = {}): Promise<T | typeof TIMED_OUT> {
    const s = this.#s;
    return s.guard(() => {
      const stages = options.escalation === undefined ? undefined : resolveEscalation(options.escalation, `the wait for signal '${name}' of run ${s.runId}`);
      const { seq, entry } = s.cursor.take('signal', name);
      const now = s.env.clock.now();
      // The stages take the positions right after the wait's, whether or not they happen.
      const escalation = stages === undefined ? undefined : new SignalEscalation(s, seq, name, stages, now);
      if (entry !== undefined) {
        if (entry.status === 'failed' && entry.error?.code === ErrorCode.Timeout) return Promise.resolve(TIMED_OUT);
        return Promise.resolve().then(() => s.replay(entry) as T);
      }
      if (s.mode !== 'live') return s.pastJournal();
      const index = s.signals.findIndex((signal) => signal.name === name);
      const found = index >= 0 ? s.signals.splice(index, 1)[0] : undefined;
      if (found !== undefined) return this.#consumeSignal(seq, found, options);
      let until: number | undefined;
      if (options.timeout !== undefined) {
        until = s.cursor.timer(seq) ?? now + toMillis(options.timeout, `timeout of signal '${name}'`);
        if (until <= now) return this.#signalTimedOut(seq, name);
      }
      const op = { kind: 'signal' as const, name };
      const wait: Wait = until === undefined ? { kind: 'signal', op, signal: name } : { kind: 'signal', op, signal: name, until };
      return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
        s.wait<Promise<T | typeof TIMED_OUT>>(
          seq,
          wait,
          () => (escalation?.stop(), this.#signalTimedOut(seq, name)),
          (signal) => (escalation?.stop(), this.#consumeSignal(seq, signal, options)),
        ).then((p) => p.then(resolve, reject), reject);
        escalation?.start({
          open: () => s.waits.get(seq) === wait,
          decide: async (value, stageEntry, audit) => {
            wait.timer?.cancel();
            s.waits.delete(seq);
            journalDecision<T>(s, seq, name, value, options.schema ?? s.workflow.options.signals?.[name], stageEntry, audit).then(resolve, reject);
          },
        });
      });
    });
  }

  /** Journals the signal as this position's result and marks it consumed, in one write. */
  async #consumeSignal<T>(seq: number, signal: SignalRecord, options: WaitForSignalOptions<T>): Promise<T> {
    const s = this.#s;
    let data = s.env.codec.decode(signal.payload);
    const now = s.env.clock.now();
    const entry: JournalEntry = { runId: s.runId, seq, kind: 'signal', name: signal.name, status: 'completed', attempts: 1, startedAt: now, endedAt: now };
    // The call's own schema, else the one the workflow declares for this signal.
    const schema = options.schema ?? s.workflow.options.signals?.[signal.name];
    if (schema !== undefined) {
      try {
        data = validate(schema, data, s.validation(ErrorCode.InvalidSignal, `signal '${signal.name}'`));
      } catch (error) {
        await s.write({ journal: [{ ...entry, status: 'failed', error: s.stored(error) }], consumeSignals: [signal.id] });
        throw error;
      }
    }
    entry.output = s.env.codec.encode(data, `signal '${signal.name}'`, s.owner);
    void s.write({ journal: [entry], consumeSignals: [signal.id] });
    s.emitAfterWrite({ type: 'signal.received', runId: s.runId, workflow: s.run.workflow, signal: signal.name, seq });
    return data as T;
  }

  async #signalTimedOut(seq: number, name: string): Promise<typeof TIMED_OUT> {
    const s = this.#s;
    const error = new BatonError(ErrorCode.Timeout, `No signal '${name}' arrived in time.`, { runId: s.runId });
    await s.recordFailure(seq, 'signal', name, error, 1, s.env.clock.now());
    return TIMED_OUT;
  }

  // ---------------------------------------------------------------- events

  /**
   * An event wait is a signal wait for the name the emit delivers it under (`$event:type#seq`),
   * registered with the store first: every event stored after the registration is considered.
   */
  waitForEvent(type: string, options: WaitForEventOptions = {}): Promise<unknown> {
    const s = this.#s;
    return s.guard(() => {
      const { seq, entry } = s.cursor.take('event', type);
      if (entry !== undefined) {
        if (entry.status === 'failed' && entry.error?.code === ErrorCode.Timeout) return Promise.resolve(TIMED_OUT);
        return Promise.resolve().then(() => s.replay(entry));
      }
      if (s.mode !== 'live') return s.pastJournal();
      const name = eventSignalName(type, seq);
      const record = (signal: SignalRecord): unknown => {
        const now = s.env.clock.now();
        void s.write({
          journal: [{ runId: s.runId, seq, kind: 'event', name: type, status: 'completed', output: signal.payload, attempts: 1, startedAt: now, endedAt: now }],
          consumeSignals: [signal.id],
        });
        s.emitAfterWrite({ type: 'signal.received', runId: s.runId, workflow: s.run.workflow, signal: name, seq });
        return s.env.codec.decode(signal.payload);
      };
      const timedOut = async (): Promise<typeof TIMED_OUT> => {
        await s.recordFailure(
          seq,
          'event',
          type,
          new BatonError(ErrorCode.Timeout, `No event '${type}' arrived in time.`, { runId: s.runId }),
          1,
          s.env.clock.now(),
        );
        return TIMED_OUT;
      };
      const index = s.signals.findIndex((signal) => signal.name === name);
      const found = index >= 0 ? s.signals.splice(index, 1)[0] : undefined;
      if (found !== undefined) return Promise.resolve(record(found));
      let until: number | undefined;
      if (options.timeout !== undefined) {
        until = s.cursor.timer(seq) ?? s.env.clock.now() + toMillis(options.timeout, `timeout of event '${type}'`);
        if (until <= s.env.clock.now()) return timedOut();
      }
      const op = { kind: 'event' as const, name: type };
      const wait: Wait = until === undefined ? { kind: 'signal', op, signal: name } : { kind: 'signal', op, signal: name, until };
      return s.env
        .registerEventWait({ runId: s.runId, namespace: s.run.namespace, seq, type, ...(options.match === undefined ? {} : { match: options.match }) })
        .then(() =>
          s.wait<unknown>(
            seq,
            wait,
            () => timedOut(),
            (signal) => record(signal),
          ),
        );
    });
  }

  // ---------------------------------------------------------------- child runs

  child<I, O>(workflow: Workflow<I, O>, input: I, options: ChildOptions = {}): Promise<O> {
    const s = this.#s;
    return s.guard(() => {
      const { seq, entry } = s.cursor.take('child', workflow.name);
      if (entry !== undefined) return Promise.resolve().then(() => s.replay(entry) as O);
      if (s.mode !== 'live') return s.pastJournal();
      const op = { kind: 'child' as const, name: workflow.name };
      // A child that continued as new is followed to the last run of its chain.
      const records = s.children.filter((c) => c.parentSeq === seq);
      const final = records.find((c) => c.continuedTo === undefined);
      if (final !== undefined && isTerminalStatus(final.status)) return this.#childEnded(seq, workflow.name, final);
      if (records.length > 0) return s.wait(seq, { kind: 'child', op, childId: (final ?? records[records.length - 1])!.id });
      let payload: string;
      let limits: ReturnType<typeof runLimits>;
      try {
        let value: unknown = input;
        const schema = workflow.options.input;
        if (schema !== undefined) value = validate(schema, value, s.validation(ErrorCode.InvalidInput, `input of child '${workflow.name}'`));
        payload = s.env.codec.encode(value, `input of child '${workflow.name}'`, { runId: options.id ?? `${s.runId}-${seq}`, namespace: s.run.namespace });
        limits = runLimits(workflow.name, workflow.options, value as I, s.run.namespace);
      } catch (error) {
        return Promise.reject(error);
      }
      const id = options.id ?? `${s.runId}-${seq}`;
      const child: NewRun = {
        id,
        workflow: workflow.name,
        version: workflow.version,
        input: payload,
        queue: options.queue ?? workflow.options.queue ?? 'default',
        priority: options.priority ?? workflow.options.priority ?? s.run.priority,
        parentId: s.runId,
        parentSeq: seq,
        namespace: s.run.namespace,
        tags: s.run.tags,
        ...limits,
      };
      void s.write({ createRuns: [child] });
      return s.wait(seq, { kind: 'child', op, childId: id });
    });
  }

  #childEnded<O>(seq: number, name: string, child: ChildRecord): Promise<O> {
    const s = this.#s;
    const now = s.env.clock.now();
    if (child.status === 'completed') {
      const entry: JournalEntry = { runId: s.runId, seq, kind: 'child', name, status: 'completed', attempts: 1, startedAt: now, endedAt: now };
      if (child.output !== undefined) entry.output = child.output;
      void s.write({ journal: [entry] });
      return Promise.resolve(s.env.codec.decode(child.output) as O);
    }
    const error = new BatonError(
      ErrorCode.ChildFailed,
      `Child run ${child.id} ('${name}') of run ${s.runId} ended ${child.status}: ${child.error?.message ?? 'no error recorded'}`,
      {
        runId: s.runId,
        retryable: false,
        cause: fromStoredError(s.env.codec, child.error),
        details: { childId: child.id, status: child.status },
      },
    );
    return s.recordFailure(seq, 'child', name, error, 1, now).then(() => Promise.reject(error));
  }

  // ---------------------------------------------------------------- journaled values and patches

  syncValue<T>(kind: 'now' | 'random' | 'uuid', make: () => T): T {
    const s = this.#s;
    if (s.mode === 'stopped') return make();
    let position: { seq: number; entry: JournalEntry | undefined };
    try {
      position = s.cursor.take(kind, kind);
    } catch (error) {
      s.stopForNonDeterminism(error as BatonError);
      throw error;
    }
    if (position.entry !== undefined) return s.env.codec.decode(position.entry.output) as T;
    const value = make();
    s.record(position.seq, kind, kind, value);
    return value;
  }

  patched(id: string): boolean {
    const s = this.#s;
    if (s.mode === 'stopped') return true;
    const { state, seq } = s.cursor.patch(id);
    if (state === 'new') s.record(seq, 'patch', id, true);
    return state !== 'old';
  }
}
