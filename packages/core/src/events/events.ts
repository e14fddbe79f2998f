/**
 * Events: named, durable messages in an event log, deduplicated by (source, id) and shaped like
 * CloudEvents 1.0. An event starts a run of every workflow whose trigger matches it, and is handed
 * to every run waiting for it (`ctx.waitForEvent`) whose match it satisfies: both are decided in the
 * emit's own transaction, with the rules below that every store shares.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { assertStorableText } from '../util/text.js';
import type { NewRun } from '../store/records.js';

/** A stored event. `data` is an encoded payload. */
export interface EventRecord {
  /** Position in the event log (ascending in commit order). */
  seq: number;
  /** The namespace it was emitted in: it starts that namespace's triggers and wakes that namespace's runs only. */
  namespace: string;
  /** Unique with `source` within the namespace. */
  id: string;
  type: string;
  source: string;
  subject?: string;
  /** When it happened (CloudEvents `time`), epoch ms. */
  time: number;
  data: string;
  receivedAt: number;
}

export type NewEvent = Omit<EventRecord, 'seq' | 'receivedAt'>;

/** Field equality on the event, by dotted path from its top: `{ 'data.orderId': 'o-1' }`. */
export type EventMatch = Record<string, string | number | boolean | null>;

/** A workflow's trigger as stored: runs start for events of `type` that satisfy `match`. */
export interface EventTriggerRecord {
  /** Events of this namespace start it, and its runs start there. */
  namespace: string;
  workflow: string;
  type: string;
  match?: EventMatch;
  /** The run's input: the whole event (default) or its data. */
  input: 'event' | 'data';
  queue: string;
  priority: number;
}

/** A run waiting for an event at a journal position (registered before it waits). */
export interface EventWaitRecord {
  runId: string;
  /** The run's namespace: only events emitted there wake it. */
  namespace: string;
  seq: number;
  type: string;
  match?: EventMatch;
}

/** What an emit does besides storing the event: runs to start, and events to hand to waiting runs (as signals). */
export interface EmitPlan {
  runs: NewRun[];
  deliveries: { runId: string; seq: number; signal: string; payload: string }[];
}

const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}

export function assertEventType(type: unknown): asserts type is string {
  assertStorableText(type, 'event type');
  if (typeof type !== 'string' || !TYPE.test(type)) {
    throw invalid(`Invalid event type ${JSON.stringify(type)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`);
  }
}

export function assertEventMatch(match: unknown, what: string): asserts match is EventMatch | undefined {
  if (match === undefined) return;
  if (typeof match !== 'object' || match === null || Array.isArray(match)) throw invalid(`${what}: match must be an object of 'path': value.`);
  for (const [path, value] of Object.entries(match)) {
    if (path.length === 0 || path.length > 200) throw invalid(`${what}: match paths must be 1-200 characters.`);
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
      throw invalid(`${what}: match values must be strings, numbers, booleans or null.`);
  }
}

/** The signal a waiting run receives its event as (reserved: clients cannot send names starting with '$'). */
export function eventSignalName(type: string, seq: number): string {
  return `$event:${type}#${seq}`;
}

/** The event as a plain object for matching (its data as stored JSON). */
function matchView(event: NewEvent): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    data = undefined;
  }
  return { id: event.id, type: event.type, source: event.source, subject: event.subject, time: new Date(event.time).toISOString(), data };
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Whether the event satisfies every `path: value` of the match (none: every event does). */
export function eventMatches(event: NewEvent, match: EventMatch | undefined): boolean {
  if (match === undefined) return true;
  const view = matchView(event);
  return Object.entries(match).every(([path, expected]) => valueAt(view, path) === expected);
}

/** The event as a run input or a waiting run's result: an encoded `{ id, type, source, subject?, time, data }`. */
export function encodedEvent(event: NewEvent): string {
  const head = { id: event.id, type: event.type, source: event.source, ...(event.subject === undefined ? {} : { subject: event.subject }) };
  // `data` is already encoded; the envelope around it is plain JSON, so the two compose.
  return `${JSON.stringify(head).slice(0, -1)},"time":{"$baton":"date","v":${JSON.stringify(new Date(event.time).toISOString())}},"data":${event.data}}`;
}

/**
 * What storing `event` (at `seq`) starts and delivers, given the triggers and waits registered for
 * its type: only those of the event's namespace count, and the runs start in it.
 */
export function planEmit(event: NewEvent, seq: number, triggers: EventTriggerRecord[], waits: EventWaitRecord[]): EmitPlan {
  const plan: EmitPlan = { runs: [], deliveries: [] };
  for (const trigger of triggers) {
    if (trigger.namespace !== event.namespace || trigger.type !== event.type || !eventMatches(event, trigger.match)) continue;
    plan.runs.push({
      id: `${trigger.workflow}@event-${seq}`,
      namespace: event.namespace,
      workflow: trigger.workflow,
      version: '',
      input: trigger.input === 'data' ? event.data : encodedEvent(event),
      queue: trigger.queue,
      priority: trigger.priority,
    });
  }
  for (const wait of waits) {
    if (wait.namespace !== event.namespace || wait.type !== event.type || !eventMatches(event, wait.match)) continue;
    plan.deliveries.push({ runId: wait.runId, seq: wait.seq, signal: eventSignalName(wait.type, wait.seq), payload: encodedEvent(event) });
  }
  return plan;
}
