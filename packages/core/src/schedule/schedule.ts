/**
 * Cron schedules: what a schedule is (declared in code on a workflow, or created through the
 * client), when its ticks fall (croner, in the schedule's time zone), and which ticks fire after a
 * downtime (the catch-up policy). Engines fire due ticks; a tick's run id is derived from the
 * schedule and the tick time, so each tick starts at most one run whatever the number of engines.
 */
import { Cron } from 'croner';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { assertStorableText } from '../util/text.js';

export type OverlapPolicy = 'skip' | 'buffer' | 'allow';
export type CatchupPolicy = 'none' | 'latest' | 'all';

/** A tick fires on time when it is at most this late; later ones are missed ticks (see the catch-up policy). */
export const ON_TIME_MS = 60_000;
/** Most missed ticks looked at after a downtime (the latest of them count). */
const MAX_ENUMERATED = 10_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

export interface ScheduleOptions<I = unknown> {
  /** Cron pattern: 5 fields (minute hour day month weekday), or 6 with seconds first. */
  cron: string;
  /** IANA time zone the pattern is read in. Default 'UTC'. */
  timezone?: string;
  /** The input of every run it starts. */
  input?: I;
  /**
   * When a tick comes while the schedule's previous run is still going: 'skip' it (default),
   * 'buffer' one run that starts when the previous ends, or 'allow' runs side by side.
   */
  overlap?: OverlapPolicy;
  /**
   * Ticks missed while no engine ran: 'none' (default) fires none of them, 'latest' fires the most
   * recent one, 'all' fires each of them (a backfill), the latest `catchupLimit` at most.
   */
  catchup?: CatchupPolicy;
  /** Most missed ticks 'all' fires. Default 100. */
  catchupLimit?: number;
}

/** What a store keeps of a schedule. `input` is encoded; `nextAt` is absent while paused. */
export interface ScheduleRecord {
  /** Unique across the deployment (a tick's run id is derived from it), whatever the namespace. */
  id: string;
  /** The namespace it belongs to: only that namespace's clients see it, and its runs start there. */
  namespace: string;
  workflow: string;
  cron: string;
  timezone: string;
  input: string;
  overlap: OverlapPolicy;
  catchup: CatchupPolicy;
  catchupLimit: number;
  queue: string;
  priority: number;
  paused: boolean;
  /** 'code': declared on a workflow (engines keep it in line with the code); 'api': created through a client. */
  source: 'code' | 'api';
  nextAt?: number;
  lastTickAt?: number;
  lastRunId?: string;
  createdAt: number;
  updatedAt: number;
}

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}

export function assertScheduleId(id: unknown): asserts id is string {
  assertStorableText(id, 'schedule id');
  if (typeof id !== 'string' || !ID.test(id)) {
    throw invalid(`Invalid schedule id ${JSON.stringify(id)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`);
  }
}

const cache = new Map<string, Cron>();

/** A parsed pattern in its time zone; throws BATON_INVALID_ARGUMENT for a bad pattern or zone. */
export function cronOf(pattern: string, timezone: string): Cron {
  const key = `${timezone}\u0000${pattern}`;
  let cron = cache.get(key);
  if (cron === undefined) {
    if (typeof pattern !== 'string' || pattern.trim().length === 0 || pattern.length > 200) throw invalid(`Invalid cron pattern ${JSON.stringify(pattern)}.`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw invalid(`Unknown time zone ${JSON.stringify(timezone)}: use an IANA name such as 'Europe/Berlin' or 'UTC'.`);
    }
    try {
      cron = new Cron(pattern, { timezone, paused: true });
    } catch (error) {
      throw invalid(`Invalid cron pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, cron);
  }
  return cron;
}

/** The first tick strictly after `after` (epoch ms), or undefined when the pattern has no more. */
export function nextTick(pattern: string, timezone: string, after: number): number | undefined {
  return cronOf(pattern, timezone).nextRun(new Date(after))?.getTime();
}

/** Validates schedule options and fills in the defaults. */
export function resolveSchedule<I>(options: ScheduleOptions<I>, what: string): Required<Omit<ScheduleOptions<I>, 'input'>> & { input: I | undefined } {
  if (typeof options !== 'object' || options === null) throw invalid(`${what} needs { cron }.`);
  const timezone = options.timezone ?? 'UTC';
  assertStorableText(options.cron, 'cron pattern');
  assertStorableText(timezone, 'time zone');
  const cron = cronOf(options.cron, timezone);
  // A pattern no date matches (the 31st of February) would be stored and never start a run.
  if (cron.nextRun() === null) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `${what}: the cron pattern ${JSON.stringify(options.cron)} never fires (no date matches it); check its day and month fields.`,
      { retryable: false, details: { field: 'cron', reason: 'never-fires' } },
    );
  }
  const overlap = options.overlap ?? 'skip';
  if (!['skip', 'buffer', 'allow'].includes(overlap)) throw invalid(`${what}: overlap must be 'skip', 'buffer' or 'allow', not ${JSON.stringify(overlap)}.`);
  const catchup = options.catchup ?? 'none';
  if (!['none', 'latest', 'all'].includes(catchup)) throw invalid(`${what}: catchup must be 'none', 'latest' or 'all', not ${JSON.stringify(catchup)}.`);
  const catchupLimit = options.catchupLimit ?? 100;
  if (!Number.isInteger(catchupLimit) || catchupLimit < 1 || catchupLimit > MAX_ENUMERATED) {
    throw invalid(`${what}: catchupLimit must be a whole number from 1 to ${MAX_ENUMERATED}.`);
  }
  return { cron: options.cron, timezone, input: options.input, overlap, catchup, catchupLimit };
}

/**
 * The ticks a due schedule fires at `now`, and its next tick after them. Ticks from `nextAt` up to
 * `now` are due; those at most ON_TIME_MS late are on time and fire under every policy (the latest
 * one); later ones were missed and fire as the catch-up policy says.
 */
export function planTicks(
  schedule: Pick<ScheduleRecord, 'cron' | 'timezone' | 'nextAt' | 'catchup' | 'catchupLimit'>,
  now: number,
): { ticks: number[]; nextAt: number | undefined } {
  const due: number[] = [];
  let tick = schedule.nextAt;
  while (tick !== undefined && tick <= now) {
    due.push(tick);
    if (due.length > MAX_ENUMERATED) due.shift();
    tick = nextTick(schedule.cron, schedule.timezone, tick);
  }
  const onTime = due.filter((t) => now - t <= ON_TIME_MS);
  let ticks: number[];
  if (schedule.catchup === 'all') ticks = due.slice(-schedule.catchupLimit);
  else if (schedule.catchup === 'latest') ticks = due.slice(-1);
  else ticks = onTime.slice(-1);
  return { ticks, nextAt: tick };
}

/** The run id of a schedule's tick: the same on every engine, so a tick starts one run at most. */
export function tickRunId(scheduleId: string, tick: number): string {
  return `${scheduleId}@${new Date(tick).toISOString()}`;
}
