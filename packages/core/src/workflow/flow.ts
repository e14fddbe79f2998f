/**
 * Flow-control declarations: queues with their own limits (`defineQueue`), and a workflow's
 * per-key concurrency and start rate limit, turned into the fields a new run carries.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { RateLimit, StartControl } from '../store/flow-control.js';
import type { NewRun } from '../store/records.js';
import { toMillis, type Duration } from '../time/duration.js';

/** At most `limit` per `period`, spread evenly; `burst` lets that many go at once after an idle spell (default 1). */
export interface RateLimitOption<I = unknown> {
  limit: number;
  period: Duration;
  burst?: number;
  /** One limiter per value (e.g. per customer); without it one limiter for the whole workflow. */
  key?: (input: I) => string | number;
}

export interface ConcurrencyOption<I = unknown> {
  /** Runs holding a slot at once (running, not waiting: a sleeping run frees its slot). */
  limit: number;
  /** One limit per value computed from the input (e.g. per customer id); without it one for the whole workflow. */
  key?: (input: I) => string | number;
}

export interface QueueOptions {
  name: string;
  /** Runs of this queue running at once, across every worker. */
  concurrency?: number;
  /** Runs of this queue started per period, across every worker (later runs wait their turn). */
  rateLimit?: { limit: number; period: Duration; burst?: number };
}

export interface QueueDefinition {
  readonly kind: 'baton.queue';
  readonly name: string;
  readonly concurrency?: number;
  readonly rateLimit?: RateLimit;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const MAX_KEY_LENGTH = 500;

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}

export function assertQueueName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid(`Invalid queue name ${JSON.stringify(name)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`);
  }
}

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalid(`${what} must be a whole number of at least 1, not ${String(value)}.`);
  return value;
}

/** Validates a rate limit option and turns its period into milliseconds. */
export function resolveRateLimit(option: { limit: number; period: Duration; burst?: number }, what: string): RateLimit {
  const limit = positiveInteger(option?.limit, `${what}: limit`);
  const periodMs = toMillis(option.period, `${what}: period`);
  if (!(periodMs > 0)) throw invalid(`${what}: period must be longer than 0.`);
  const burst = option.burst === undefined ? 1 : positiveInteger(option.burst, `${what}: burst`);
  return burst === 1 ? { limit, periodMs } : { limit, periodMs, burst };
}

export interface RateLimiterOptions {
  /** Names the resource (an API, a model); every step that uses the limiter shares it. */
  name: string;
  limit: number;
  period: Duration;
  burst?: number;
}

/** A named rate limiter for step executions (`ctx.step(name, fn, { rateLimit })`), shared by every worker. */
export interface RateLimiter {
  readonly kind: 'baton.rateLimiter';
  readonly name: string;
  readonly rate: RateLimit;
}

export function defineRateLimit(options: RateLimiterOptions): RateLimiter {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) {
    throw invalid(`Invalid rate limiter name ${JSON.stringify(options?.name)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`);
  }
  return Object.freeze({ kind: 'baton.rateLimiter', name: options.name, rate: resolveRateLimit(options, `rate limiter '${options.name}'`) });
}

/** What a step's `rateLimit` option names: a limiter, or a limiter and a key (one limit per key). */
export type StepRateLimit = RateLimiter | { limiter: RateLimiter; key: string | number };

/** The stored key and rate of a step's limiter. */
export function stepLimiter(option: StepRateLimit, step: string): { key: string; rate: RateLimit } {
  const limiter = 'limiter' in option ? option.limiter : option;
  if (limiter?.kind !== 'baton.rateLimiter') throw invalid(`step '${step}': rateLimit must be defineRateLimit(...) or { limiter, key }.`);
  if (!('limiter' in option)) return { key: `limiter:${limiter.name}`, rate: limiter.rate };
  const key = String(option.key);
  if ((typeof option.key !== 'string' && typeof option.key !== 'number') || key.length > MAX_KEY_LENGTH) {
    throw invalid(`step '${step}': the rate limit key must be a string or number of at most ${MAX_KEY_LENGTH} characters.`);
  }
  return { key: `limiter:${limiter.name}:${key}`, rate: limiter.rate };
}

export function defineQueue(options: QueueOptions): QueueDefinition {
  assertQueueName(options?.name);
  const queue: { kind: 'baton.queue'; name: string; concurrency?: number; rateLimit?: RateLimit } = { kind: 'baton.queue', name: options.name };
  if (options.concurrency !== undefined) queue.concurrency = positiveInteger(options.concurrency, `queue '${options.name}': concurrency`);
  if (options.rateLimit !== undefined) queue.rateLimit = resolveRateLimit(options.rateLimit, `queue '${options.name}': rateLimit`);
  return Object.freeze(queue);
}

export function isQueueDefinition(value: unknown): value is QueueDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'baton.queue';
}

export interface DebounceOption<I = unknown> {
  /** A start waits this long; another start with the same key in that time replaces its input and waits again. */
  period: Duration;
  /** One debounced run per value (e.g. per document id); without it one for the whole workflow. */
  key?: (input: I) => string | number;
  /** The run starts at the latest this long after the first start it coalesced, however many follow. */
  maxWait?: Duration;
}

export interface ThrottleOption<I = unknown> {
  /** At most one run per key starts in any such period; starts in between return that run. */
  period: Duration;
  key?: (input: I) => string | number;
}

/** The options of a workflow that limit its runs (checked when it is defined). */
export interface WorkflowFlow<I> {
  concurrency?: ConcurrencyOption<I>;
  rateLimit?: RateLimitOption<I>;
  debounce?: DebounceOption<I>;
  throttle?: ThrottleOption<I>;
}

export function validateWorkflowFlow<I>(name: string, flow: WorkflowFlow<I>): void {
  if (flow.concurrency !== undefined) {
    positiveInteger(flow.concurrency.limit, `workflow '${name}': concurrency.limit`);
    if (flow.concurrency.key !== undefined && typeof flow.concurrency.key !== 'function')
      throw invalid(`workflow '${name}': concurrency.key must be a function of the input.`);
  }
  if (flow.rateLimit !== undefined) {
    resolveRateLimit(flow.rateLimit, `workflow '${name}': rateLimit`);
    if (flow.rateLimit.key !== undefined && typeof flow.rateLimit.key !== 'function')
      throw invalid(`workflow '${name}': rateLimit.key must be a function of the input.`);
  }
  if (flow.debounce !== undefined && flow.throttle !== undefined) throw invalid(`workflow '${name}': use debounce or throttle, not both.`);
  for (const [what, option] of [
    ['debounce', flow.debounce],
    ['throttle', flow.throttle],
  ] as const) {
    if (option === undefined) continue;
    if (!(toMillis(option.period, `workflow '${name}': ${what}.period`) > 0)) throw invalid(`workflow '${name}': ${what}.period must be longer than 0.`);
    if (option.key !== undefined && typeof option.key !== 'function') throw invalid(`workflow '${name}': ${what}.key must be a function of the input.`);
  }
  if (flow.debounce?.maxWait !== undefined && !(toMillis(flow.debounce.maxWait, `workflow '${name}': debounce.maxWait`) > 0)) {
    throw invalid(`workflow '${name}': debounce.maxWait must be longer than 0.`);
  }
}

/** How a start is coalesced with others of the same key (see StartControl). */
/**
 * What a run's flow-control keys (concurrency, rate limit, debounce, throttle) start with, so one
 * namespace's runs never count against, coalesce with or hold back another's: nothing in 'default'
 * (keys made before namespaces had them stay as they were), `namespace:<name>/` in any other.
 */
export function namespaceKeyPrefix(namespace: string | undefined): string {
  return namespace === undefined || namespace === 'default' ? '' : `namespace:${namespace}/`;
}

export function startControl<I>(name: string, flow: WorkflowFlow<I>, input: I, namespace?: string): StartControl | undefined {
  if (flow.debounce !== undefined) {
    const debounce: NonNullable<StartControl['debounce']> = {
      key: `${namespaceKeyPrefix(namespace)}workflow:${name}${keyOf(flow.debounce.key, input, `debounce key of workflow '${name}'`)}`,
      delayMs: toMillis(flow.debounce.period, 'debounce period'),
    };
    if (flow.debounce.maxWait !== undefined) debounce.maxWaitMs = toMillis(flow.debounce.maxWait, 'debounce maxWait');
    return { debounce };
  }
  if (flow.throttle !== undefined) {
    return {
      throttle: {
        key: `${namespaceKeyPrefix(namespace)}workflow:${name}${keyOf(flow.throttle.key, input, `throttle key of workflow '${name}'`)}`,
        periodMs: toMillis(flow.throttle.period, 'throttle period'),
      },
    };
  }
  return undefined;
}

function keyOf<I>(fn: ((input: I) => string | number) | undefined, input: I, what: string): string {
  if (fn === undefined) return '';
  let value: unknown;
  try {
    value = fn(input);
  } catch (error) {
    throw new BatonError(ErrorCode.InvalidInput, `${what} threw: ${(error as Error)?.message ?? String(error)}. No run was created.`, {
      retryable: false,
      cause: error,
    });
  }
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).length > MAX_KEY_LENGTH) {
    throw new BatonError(
      ErrorCode.InvalidInput,
      `${what} must return a string or number of at most ${MAX_KEY_LENGTH} characters, not ${JSON.stringify(value)}. No run was created.`,
      {
        retryable: false,
      },
    );
  }
  return `:${String(value)}`;
}

/** The limit fields of a new run of `workflow` with `input` in `namespace` (none when the workflow has no limits). */
export function runLimits<I>(
  name: string,
  flow: WorkflowFlow<I>,
  input: I,
  namespace?: string,
): Pick<NewRun, 'concurrencyKey' | 'concurrencyLimit' | 'rateKey' | 'rateLimit'> {
  const fields: Pick<NewRun, 'concurrencyKey' | 'concurrencyLimit' | 'rateKey' | 'rateLimit'> = {};
  const prefix = namespaceKeyPrefix(namespace);
  if (flow.concurrency !== undefined) {
    fields.concurrencyKey = `${prefix}workflow:${name}${keyOf(flow.concurrency.key, input, `concurrency key of workflow '${name}'`)}`;
    fields.concurrencyLimit = flow.concurrency.limit;
  }
  if (flow.rateLimit !== undefined) {
    fields.rateKey = `${prefix}workflow:${name}${keyOf(flow.rateLimit.key, input, `rate limit key of workflow '${name}'`)}`;
    fields.rateLimit = resolveRateLimit(flow.rateLimit, `workflow '${name}': rateLimit`);
  }
  return fields;
}

/** Whether a new run is admitted by the flow-control claim (it carries limits of its own). */
export function hasRunLimits(run: NewRun): boolean {
  return run.concurrencyKey !== undefined || run.rateKey !== undefined;
}
