/** Workflow definitions: `defineWorkflow(options, fn)` and the types the context exposes. */
import type { ZodType } from 'zod';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { Duration } from '../time/duration.js';
import type { WorkflowContext } from './workflow-context.js';
import { assertEventMatch, assertEventType, type EventMatch } from '../events/events.js';
import { assertScheduleId, resolveSchedule, type ScheduleOptions } from '../schedule/schedule.js';
import { assertQueueName, validateWorkflowFlow, type ConcurrencyOption, type DebounceOption, type RateLimitOption, type ThrottleOption } from './flow.js';

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

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

export function defineWorkflow<I = unknown, O = unknown>(options: WorkflowOptions<I, O>, fn: WorkflowFunction<I, O>): Workflow<I, O> {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `Invalid workflow name ${JSON.stringify(options?.name)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`,
      { retryable: false },
    );
  }
  if (typeof fn !== 'function') {
    throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}' needs a function: defineWorkflow(options, async (ctx, input) => output).`, {
      retryable: false,
    });
  }
  const version = options.version ?? '1';
  if (typeof version !== 'string' || version.length === 0 || version.length > 100) {
    throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}' has an invalid version: use a non-empty string.`, { retryable: false });
  }
  if (options.queue !== undefined) assertQueueName(options.queue);
  validateWorkflowFlow(options.name, options);
  for (const trigger of workflowTriggers(options)) {
    assertEventType(trigger.event);
    assertEventMatch(trigger.match, `trigger of workflow '${options.name}'`);
    if (trigger.input !== undefined && trigger.input !== 'event' && trigger.input !== 'data') {
      throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}': a trigger's input is 'event' or 'data'.`, { retryable: false });
    }
  }
  for (const [signal, schema] of Object.entries(options.signals ?? {})) {
    if (signal.length === 0 || signal.length > 200 || signal.startsWith('$') || typeof (schema as { safeParse?: unknown })?.safeParse !== 'function') {
      throw new BatonError(
        ErrorCode.InvalidArgument,
        `Workflow '${options.name}': signals maps signal names (1-200 characters, not starting with '$') to zod schemas; '${signal}' does not.`,
        { retryable: false },
      );
    }
  }
  for (const { id, schedule } of workflowSchedules(options)) {
    assertScheduleId(id);
    resolveSchedule(schedule, `schedule '${id}' of workflow '${options.name}'`);
  }
  return Object.freeze({ kind: 'baton.workflow', name: options.name, version, options, fn });
}

export function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'baton.workflow';
}

/** A workflow's declared schedules with their ids. */
export function workflowSchedules<I>(options: Pick<WorkflowOptions<I, unknown>, 'name' | 'schedule'>): { id: string; schedule: WorkflowSchedule<I> }[] {
  const declared = options.schedule;
  if (declared === undefined) return [];
  const list = Array.isArray(declared) ? declared : [declared];
  return list.map((schedule, i) => ({ id: schedule.id ?? (Array.isArray(declared) ? `${options.name}.${i + 1}` : options.name), schedule }));
}

/** A workflow's declared event triggers. */
export function workflowTriggers(options: Pick<WorkflowOptions<unknown, unknown>, 'on'>): EventTrigger[] {
  const on = options.on;
  return on === undefined ? [] : Array.isArray(on) ? on : [on];
}
