/**
 * A workflow's types: what `defineWorkflow` returns (its options, its function) and the `ctx` that
 * function receives, where every operation is journaled and replayed. They refer to each other
 * (`ctx.child` takes a workflow), so they share this module.
 */
import type { ConcurrencyOption, DebounceOption, RateLimitOption, StepRateLimit, ThrottleOption } from './flow.js';
import type { EventMatch } from '../events/events.js';
import type { ScheduleOptions } from '../schedule/schedule.js';
import type { ZodType } from 'zod';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { Duration } from '../time/duration.js';
import type { EscalationStage } from '../escalation/escalation-policy.js';

/** Returned by `waitForSignal` when its timeout passed before a signal came. */
export const TIMED_OUT: unique symbol = Symbol.for('baton.timedOut');
export type TimedOut = typeof TIMED_OUT;

export interface StepInfo<I = unknown> {
  /** Aborted when the attempt times out or the run is cancelled; pass it to fetch and friends. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Stable across attempts and crashes (run id and journal position): give it to the APIs you call. */
  readonly idempotencyKey: string;
  readonly runId: string;
  readonly step: string;
  /** The step's `input` option as given (for a compensation: the result of the step it undoes). */
  readonly input: I;
  /** Reports liveness of a long attempt; with `heartbeatTimeout`, an attempt that stops calling it fails. */
  heartbeat(): void;
}

export interface StepOptions<T, I = unknown> {
  /**
   * The data the step works on. It is journaled with the step's entry (encoded by the payload codec
   * like outputs, so it must be serializable), shown by the API and the dashboard, and passed to the
   * step as `info.input`. Informational only: replay returns the journaled result whatever the input
   * is now. A value the codec cannot encode fails the step (BATON_STEP_FAILED, caused by
   * BATON_PAYLOAD_ENCODING or BATON_PAYLOAD_TOO_LARGE) before its function runs.
   */
  input?: I;
  retry?: RetryPolicy;
  /** Each attempt is aborted and fails with BATON_STEP_TIMEOUT after this long. */
  timeout?: Duration;
  /** The attempt fails with BATON_STEP_TIMEOUT when `heartbeat()` was not called for this long. */
  heartbeatTimeout?: Duration;
  /**
   * Saga: undoes this step. When the run fails for good or is cancelled, the compensations of its
   * completed steps run in reverse order, each a journaled step with retries (`result` is also its
   * journaled input).
   */
  compensate?: (result: T, info: StepInfo<T>) => unknown;
  /** Retry policy of the compensation (default: the step's). */
  compensateRetry?: RetryPolicy;
  /**
   * Every attempt waits for this limiter (shared by every worker): `defineRateLimit(...)`, or
   * `{ limiter, key }` for one limit per key. A long wait suspends the run.
   */
  rateLimit?: StepRateLimit;
  /**
   * Journal the step's result at once, ahead of the writes waiting for the next group commit, so a
   * crash right after the step loses as little as possible: for results that are costly to produce
   * again, such as a paid model answer (the AI steps set it). It may cost a commit of its own. Default false.
   */
  journalAtOnce?: boolean;
  /**
   * Skip the step instead of failing the run once its attempts are spent (or an error is not
   * retryable): the step returns this value, or what this function returns for the last attempt's
   * error, and the journal records the step as `skipped` with the fallback as its result and the
   * error beside it. Replay returns the journaled fallback; the step never runs again. A skipped
   * step registers no compensation. `undefined` means no fallback: skip with `() => undefined`.
   * A cancel is never skipped over.
   */
  fallback?: T | ((error: unknown) => T | Promise<T>);
}

export interface WaitForSignalOptions<T> {
  /** Validates the payload; an invalid payload makes the wait throw BATON_INVALID_SIGNAL. */
  schema?: ZodType<T>;
  /** Stop waiting after this long and return TIMED_OUT. */
  timeout?: Duration;
  /**
   * What happens while nobody answers: stages in order, each due `after` the wait began — remind the
   * assignee, reassign the task, notify channels, or decide with a default value (see
   * `defineEscalation`). Each stage is journaled and audited (actor `escalation`) and happens once;
   * an answer before a stage cancels it and the stages after it.
   */
  escalation?: readonly EscalationStage[];
}

export interface WaitForEventOptions {
  /**
   * Field equality by dotted path from the event's top, e.g. `{ 'data.orderId': input.orderId }`:
   * only a matching event ends the wait. Values are strings, numbers, booleans or null.
   */
  match?: EventMatch;
  /** Stop waiting after this long and return TIMED_OUT. */
  timeout?: Duration;
}

/** An event as a run receives it (waitForEvent's result, or a triggered run's input). */
export interface ReceivedEvent<T = unknown> {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: Date;
  data: T;
}

export interface ChildOptions {
  /** The child's run id (default: derived from this run and position, so it is stable on replay). */
  id?: string;
  priority?: number;
  queue?: string;
}

export interface WorkflowContext {
  readonly runId: string;
  readonly workflow: string;
  readonly version: string;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;

  /** Runs `fn` at least once until it succeeds; once journaled its result is never produced again. */
  step<T, I = unknown>(name: string, fn: (info: StepInfo<I>) => T | Promise<T>, options?: StepOptions<T, I>): Promise<T>;
  /** Durable sleep: a sleeping run holds no worker memory. */
  sleep(duration: Duration): Promise<void>;
  sleepUntil(date: Date | number): Promise<void>;
  /** Waits for a signal sent to this run; signals sent earlier are kept and queue in order. */
  waitForSignal<T = unknown>(name: string, options: WaitForSignalOptions<T> & { timeout: Duration }): Promise<T | TimedOut>;
  waitForSignal<T = unknown>(name: string, options?: WaitForSignalOptions<T>): Promise<T>;
  /**
   * Waits for the first event of this type (that satisfies `match`) stored after the wait began;
   * events stored earlier do not count. The run suspends meanwhile.
   */
  waitForEvent<T = unknown>(type: string, options: WaitForEventOptions & { timeout: Duration }): Promise<ReceivedEvent<T> | TimedOut>;
  waitForEvent<T = unknown>(type: string, options?: WaitForEventOptions): Promise<ReceivedEvent<T>>;
  /** Starts a child run and waits for its output (throws BATON_CHILD_FAILED if it fails). */
  child<I, O>(workflow: Workflow<I, O>, input: I, options?: ChildOptions): Promise<O>;
  /** Ends this run and continues as a fresh run (new journal) with `input`, linked to this one. */
  continueAsNew(input: unknown): Promise<never>;
  /** Journaled: replay returns the same values. */
  now(): Date;
  random(): number;
  uuid(): string;
  /** The latest value is readable by clients while the run is in flight. */
  setProgress(value: unknown): void;
  /**
   * True for runs that reach this point running the new code, false for runs that already passed it
   * on the old code. Wrap a change: `if (ctx.patched('send-sms')) { ...new } else { ...old }`.
   */
  patched(id: string): boolean;
}

export interface WorkflowOptions<I, O> {
  /** Unique name; runs are started by it. Letters, digits and `._:/-`. */
  name: string;
  /** Version recorded on each run; a worker only runs versions it has loaded. Default '1'. */
  version?: string;
  /** Validates the input at start (the run is not created when it fails). */
  input?: ZodType<I>;
  /** Validates the output at completion. */
  output?: ZodType<O>;
  /** Default retry policy of this workflow's steps. */
  retry?: RetryPolicy;
  /** The run fails with BATON_RUN_TIMEOUT (and compensates) if it has not ended this long after it was created. */
  timeout?: Duration;
  /** Queue runs wait in (default 'default') and their priority (higher first, default 0). */
  queue?: string;
  priority?: number;
  /** Runs of this workflow running at once, in all or per key (e.g. one at a time per customer), across every worker. */
  concurrency?: ConcurrencyOption<I>;
  /** Runs of this workflow started per period, in all or per key; later runs wait their turn. */
  rateLimit?: RateLimitOption<I>;
  /** Coalesce bursts of starts (per key) into one run with the latest input, once they stop. */
  debounce?: DebounceOption<I>;
  /** At most one run per key per period; starts in between return that run instead of creating one. */
  throttle?: ThrottleOption<I>;
  /**
   * The namespace this workflow's own schedules and event triggers belong to, and so the runs they
   * start. Default: the engine's `namespace` option. A definition deployed in a tenant namespace is
   * loaded with it.
   */
  namespace?: string;
  /**
   * Starts runs on a cron schedule (or several). Engines store it when they start and keep it in line
   * with the code; `id` defaults to the workflow name (name.N for the N-th of several).
   */
  schedule?: WorkflowSchedule<I> | WorkflowSchedule<I>[];
  /**
   * Starts a run for each stored event of this type that satisfies `match`; the run's input is the
   * event (`input: 'event'`, default: `{ id, type, source, subject?, time, data }`) or its data.
   */
  on?: EventTrigger | EventTrigger[];
  /**
   * The signals runs of this workflow wait for, with the schema of each one's data: published by the
   * HTTP API (as JSON Schema, for forms that send them), and used by `ctx.waitForSignal(name)` when
   * the call gives no schema of its own.
   */
  signals?: Record<string, ZodType>;
  /**
   * The workflow started when a run of this one fails for good (after its retries and compensations;
   * not when it is cancelled), by name or as the workflow itself. Its input is the failed run's
   * `{ runId, workflow, version, namespace, error, input }`. It is created in the transaction that
   * fails the run, once per failure. Overrides the namespace's failure workflow.
   */
  onFailure?: string | AnyWorkflow;
  description?: string;
}

export interface EventTrigger {
  event: string;
  match?: EventMatch;
  input?: 'event' | 'data';
}

export type WorkflowSchedule<I> = ScheduleOptions<I> & { id?: string };

export type WorkflowFunction<I, O> = (ctx: WorkflowContext, input: I) => Promise<O>;

export interface Workflow<I = unknown, O = unknown> {
  readonly kind: 'baton.workflow';
  readonly name: string;
  readonly version: string;
  readonly options: WorkflowOptions<I, O>;
  readonly fn: WorkflowFunction<I, O>;
}

export type AnyWorkflow = Workflow<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type WorkflowInput<W> = W extends Workflow<infer I, unknown> ? I : never;
export type WorkflowOutput<W> = W extends Workflow<unknown, infer O> ? O : never;
