/**
 * Events through the client: emit (also as a CloudEvents 1.0 structured JSON object) and list the
 * event log. A client acting in a namespace emits there (its events start that namespace's triggers
 * and wake that namespace's runs only) and reads only that namespace's events; one without a
 * namespace emits in 'default' and reads every namespace's.
 */
import type { Auditor } from './auditor.js';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { assertEventType, type EventRecord, type NewEvent } from '../events/events.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { Store } from '../store/store.js';
import type { EventListFilter } from '../store/event-store.js';
import { eventOrigin, type StartedRun } from '../store/started-runs.js';
import type { Clock } from '../time/clock.js';
import { uuidv7 } from '../util/ids.js';
import { assertStorableText } from '../util/text.js';

export interface EmitOptions {
  /** Deduplicates: a second emit with the same source and id stores nothing and starts nothing. Default: a new id. */
  id?: string;
  /** Where the event comes from (CloudEvents `source`). Default 'baton'. */
  source?: string;
  subject?: string;
  /** When it happened. Default: now. */
  time?: Date | number;
}

/** An event as clients see it: data decoded, times as Dates. */
export interface EventInfo {
  seq: number;
  /** The namespace it was emitted in. */
  namespace: string;
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: Date;
  data: unknown;
  receivedAt: Date;
}

const MAX_ATTRIBUTE = 500;

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}

function attribute(value: unknown, name: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTRIBUTE) {
    throw invalid(`The event's ${name} must be a non-empty string of at most ${MAX_ATTRIBUTE} characters${required ? '' : ' when given'}.`);
  }
  assertStorableText(value, `event ${name}`);
  return value;
}

export class Events {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #codec: PayloadCodec;
  readonly #auditor: Auditor;

  constructor(store: Store, clock: Clock, codec: PayloadCodec, auditor: Auditor) {
    this.#store = store;
    this.#clock = clock;
    this.#codec = codec;
    this.#auditor = auditor;
  }

  /** Stores an event; matching triggers start runs and matching waiting runs receive it. */
  async emit(type: string, data?: unknown, options: EmitOptions = {}): Promise<EventInfo & { created: boolean }> {
    assertEventType(type);
    const now = this.#clock.now();
    const time = options.time === undefined ? now : options.time instanceof Date ? options.time.getTime() : options.time;
    if (!Number.isFinite(time)) throw invalid('The event time must be a valid date.');
    const event: NewEvent = {
      namespace: this.#auditor.actor?.namespace ?? 'default',
      id: attribute(options.id ?? uuidv7(now), 'id', true)!,
      type,
      source: attribute(options.source ?? 'baton', 'source', true)!,
      time,
      data: this.#codec.encode(data, `data of event '${type}'`),
    };
    const subject = attribute(options.subject, 'subject', false);
    if (subject !== undefined) event.subject = subject;
    const { event: stored, created } = await this.#auditor.run('event.emit', event.id, (audit) => this.#store.emitEvent(event, now, audit), {
      type,
      source: event.source,
    });
    return { ...this.#info(stored), created };
  }

  /**
   * Stores a CloudEvents 1.0 event in structured JSON form (`specversion`, `id`, `source`, `type`,
   * optional `time`, `subject`, `data`); `type` is the event name. Binary `data_base64` is refused.
   */
  async emitCloudEvent(cloudEvent: unknown): Promise<EventInfo & { created: boolean }> {
    if (typeof cloudEvent !== 'object' || cloudEvent === null || Array.isArray(cloudEvent)) throw invalid('A CloudEvent must be a JSON object.');
    const e = cloudEvent as Record<string, unknown>;
    if (e.specversion !== '1.0') throw invalid(`Only CloudEvents specversion '1.0' is accepted, not ${JSON.stringify(e.specversion)}.`);
    if (e.data_base64 !== undefined) throw invalid('CloudEvents with data_base64 are not accepted: send JSON data.');
    const type = attribute(e.type, 'type', true)!;
    let time: number | undefined;
    if (e.time !== undefined) {
      time = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
      if (!Number.isFinite(time)) throw invalid(`The CloudEvent's time must be an RFC 3339 timestamp, not ${JSON.stringify(e.time)}.`);
    }
    const options: EmitOptions = { id: attribute(e.id, 'id', true)!, source: attribute(e.source, 'source', true)! };
    const subject = attribute(e.subject, 'subject', false);
    if (subject !== undefined) options.subject = subject;
    if (time !== undefined) options.time = time;
    return this.emit(type, e.data, options);
  }

  /** The event log in order, after `after` (a seq), optionally of one type. */
  async list(options: { type?: string; after?: number; limit?: number } = {}): Promise<EventInfo[]> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit must be a whole number from 1 to 1000.');
    if (options.after !== undefined && (!Number.isInteger(options.after) || options.after < 0)) throw invalid('after must be an event seq (a whole number).');
    const filter: EventListFilter = { limit };
    const namespace = this.#auditor.actor?.namespace;
    if (namespace !== undefined) filter.namespace = namespace;
    if (options.type !== undefined) {
      assertEventType(options.type);
      filter.type = options.type;
    }
    if (options.after !== undefined) filter.after = options.after;
    return (await this.#store.listEvents(filter)).map((e) => this.#info(e));
  }

  /**
   * The event log read back from its end: the newest events first (before `before`, a seq, to page
   * on), each with the runs its triggers started (in this client's namespace) and their status now.
   */
  async recent(options: { type?: string; before?: number; limit?: number } = {}): Promise<(EventInfo & { runs: StartedRun[] })[]> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid('limit must be a whole number from 1 to 200.');
    if (options.before !== undefined && (!Number.isInteger(options.before) || options.before < 1))
      throw invalid('before must be an event seq (a whole number).');
    if (options.type !== undefined) assertEventType(options.type);
    const namespace = this.#auditor.actor?.namespace;
    const events = await this.#store.listEvents({
      limit,
      ...(namespace === undefined ? {} : { namespace }),
      newestFirst: true,
      ...(options.type === undefined ? {} : { type: options.type }),
      ...(options.before === undefined ? {} : { before: options.before }),
    });
    const started =
      events.length === 0
        ? []
        : await this.#store.listStartedRuns({
            origins: events.map((e) => eventOrigin(e.seq)),
            // Each event starts one run per matching trigger: enough for every trigger of a busy type.
            limit: 10_000,
            ...(namespace === undefined ? {} : { namespace }),
          });
    const byOrigin = new Map<string, StartedRun[]>();
    for (const run of started) byOrigin.set(run.origin, [...(byOrigin.get(run.origin) ?? []), run]);
    return events.map((e) => ({ ...this.#info(e), runs: byOrigin.get(eventOrigin(e.seq)) ?? [] }));
  }

  #info(e: EventRecord): EventInfo {
    const info: EventInfo = {
      seq: e.seq,
      namespace: e.namespace,
      id: e.id,
      type: e.type,
      source: e.source,
      time: new Date(e.time),
      data: this.#codec.decode(e.data),
      receivedAt: new Date(e.receivedAt),
    };
    if (e.subject !== undefined) info.subject = e.subject;
    return info;
  }
}
