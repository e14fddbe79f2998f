/**
 * A definition's `schedule` in Baton's terms: `cron` and `every` become a cron schedule, `after`
 * an interval schedule that never overlaps a run still going, `on` event triggers. What Baton's
 * schedules and triggers cannot express is refused with an 'unsupported' issue, never dropped.
 *
 * - `every: D` fires every D whether or not the previous run ended (overlap 'allow'), so D must
 *   divide a minute, an hour or a day evenly (a cron pattern fires on the clock); otherwise use `cron`.
 * - `after: D` ("run again D after it completes") becomes a schedule every D that skips a tick while
 *   a run is still going: runs never overlap and start again within D of the last one's end. The
 *   same evenness rule applies.
 * - `on` starts a run for each matching event, the event as its input. `one` and `any` take one
 *   trigger per filter; `all` only with a single filter (a start that waits for several events to
 *   correlate is no trigger). A filter's `with.type` is the event type (a plain string); its other
 *   properties (and `data` fields, flattened to `data.a.b`) must equal the event's. Regular
 *   expressions, runtime expressions and `correlate` are refused. `until` is ignored: a trigger
 *   never stops.
 */
import { BatonError, ErrorCode, type EventMatch, type EventTrigger, type WorkflowSchedule } from '@baton/core';
import type { DefinitionIssue, WorkflowDocument } from './definition.js';

export interface DefinitionTriggers {
  /** One schedule (its id the workflow name), or several (ids `<name>.1`, `<name>.2`…). */
  schedule?: WorkflowSchedule<unknown> | WorkflowSchedule<unknown>[];
  on?: EventTrigger[];
}

/** What starts a definition's runs, as Baton workflow options (spread them into defineWorkflow's options). Throws BATON_INVALID_DEFINITION for what Baton cannot express. */
export function definitionTriggers(document: WorkflowDocument): DefinitionTriggers {
  const schedule = (document as { schedule?: Record<string, unknown> }).schedule;
  if (schedule === undefined || schedule === null) return {};
  const triggers: DefinitionTriggers = {};
  const schedules: WorkflowSchedule<unknown>[] = [];
  if (schedule.cron !== undefined) {
    if (typeof schedule.cron !== 'string') throw unsupported('/schedule/cron', 'schedule.cron must be a cron pattern string.');
    schedules.push({ cron: schedule.cron, overlap: 'allow' });
  }
  if (schedule.every !== undefined) schedules.push({ cron: intervalCron(durationMs(schedule.every, '/schedule/every'), '/schedule/every'), overlap: 'allow' });
  if (schedule.after !== undefined) schedules.push({ cron: intervalCron(durationMs(schedule.after, '/schedule/after'), '/schedule/after'), overlap: 'skip' });
  if (schedules.length > 0) triggers.schedule = schedules.length === 1 ? schedules[0] : schedules;
  if (schedule.on !== undefined) triggers.on = eventTriggers(schedule.on);
  return triggers;
}

/** The kinds of start a definition declares, sorted: among 'after', 'cron', 'event', 'every'. */
export function triggerKinds(document: WorkflowDocument): string[] {
  const schedule = (document as { schedule?: Record<string, unknown> }).schedule ?? {};
  const kinds = ['cron', 'every', 'after'].filter((k) => schedule[k] !== undefined);
  if (schedule.on !== undefined) kinds.push('event');
  return kinds.sort();
}

function eventTriggers(strategy: unknown): EventTrigger[] {
  const s = (strategy ?? {}) as { one?: unknown; any?: unknown[]; all?: unknown[] };
  if (s.one !== undefined) return [eventTrigger(s.one, '/schedule/on/one')];
  if (Array.isArray(s.any)) {
    if (s.any.length === 0) throw unsupported('/schedule/on/any', 'An empty `any` (every event) cannot start runs: name the event types.');
    return s.any.map((filter, i) => eventTrigger(filter, `/schedule/on/any/${i}`));
  }
  if (Array.isArray(s.all)) {
    if (s.all.length !== 1)
      throw unsupported(
        '/schedule/on/all',
        'A start that waits for several events (`all` with more than one filter) is not supported: start on one event and `listen` for the others.',
      );
    return [eventTrigger(s.all[0], '/schedule/on/all/0')];
  }
  throw unsupported('/schedule/on', 'schedule.on needs `one`, `any` or `all`.');
}

function eventTrigger(filter: unknown, path: string): EventTrigger {
  const f = (filter ?? {}) as { with?: Record<string, unknown>; correlate?: unknown };
  if (f.correlate !== undefined) throw unsupported(`${path}/correlate`, 'Correlations are not supported on a start trigger.');
  const properties = f.with ?? {};
  const type = properties.type;
  if (typeof type !== 'string' || type.length === 0 || type.includes('${') || /[\\^$*+?()[\]{}|]/.test(type)) {
    throw unsupported(`${path}/with/type`, 'A start trigger needs the event type as a plain string (no regular or runtime expression).');
  }
  const match: EventMatch = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key !== 'type') addMatch(match, key, value, `${path}/with/${key}`);
  }
  return { event: type, input: 'event', ...(Object.keys(match).length === 0 ? {} : { match }) };
}

function addMatch(match: EventMatch, key: string, value: unknown, path: string): void {
  if (typeof value === 'string' && value.includes('${')) throw unsupported(path, 'Runtime expressions are not supported in a start trigger’s filter.');
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    match[key] = value;
    return;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) addMatch(match, `${key}.${k}`, v, `${path}/${k}`);
    return;
  }
  throw unsupported(path, 'A start trigger’s filter compares plain values (strings, numbers, booleans, null, objects of them).');
}

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** A DSL duration (properties or ISO 8601 `PnDTnHnMnS`) in milliseconds. */
export function durationMs(value: unknown, path: string): number {
  if (typeof value === 'string') {
    const m = ISO_DURATION.exec(value);
    if (m === null || value === 'P' || value.endsWith('T'))
      throw unsupported(path, `'${value.slice(0, 100)}' is not an ISO 8601 duration such as PT5M (days, hours, minutes, seconds).`);
    return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Math.round(Number(m[4] ?? 0) * 1000);
  }
  if (typeof value === 'object' && value !== null) {
    const d = value as { days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number };
    return (((d.days ?? 0) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000 + (d.seconds ?? 0) * 1000 + (d.milliseconds ?? 0);
  }
  throw unsupported(path, 'A duration is an object of days, hours, minutes, seconds, milliseconds, or an ISO 8601 string.');
}

/** The cron pattern (seconds first) that fires every `ms`, when `ms` divides a minute, an hour or a day evenly. */
function intervalCron(ms: number, path: string): string {
  const s = ms / 1000;
  if (Number.isInteger(s) && s > 0) {
    if (s < 60 && 60 % s === 0) return `*/${s} * * * * *`;
    const m = s / 60;
    if (Number.isInteger(m) && m < 60 && 60 % m === 0) return `0 */${m} * * * *`;
    const h = m / 60;
    if (Number.isInteger(h) && h < 24 && 24 % h === 0) return `0 0 */${h} * * *`;
    if (h === 24) return '0 0 0 * * *';
  }
  throw unsupported(
    path,
    `An interval of ${ms} ms cannot be a schedule: use one that divides a minute, an hour or a day evenly (e.g. 15 minutes, 6 hours), or a cron pattern.`,
  );
}

function unsupported(path: string, message: string): BatonError {
  const issue: DefinitionIssue = { kind: 'unsupported', path, message };
  return new BatonError(ErrorCode.InvalidDefinition, `The definition's schedule cannot run on Baton: ${message}`, {
    retryable: false,
    details: { issues: [issue] },
  });
}
