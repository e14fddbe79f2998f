/**
 * Events on PostgreSQL (EventStore): the log, the triggers that start runs, the waits that runs
 * register, and which runs each event started. Emits and wait registrations take one lock per
 * deployment, so the log's order is its commit order and no wait misses an emit.
 */
import {
  eventOrigin,
  planEmit,
  toEventRecord,
  toEventTrigger,
  toEventWait,
  type EventListFilter,
  type EventRow,
  type EventStore,
  type EventTriggerRow,
  type EventWaitRow,
} from '@baton/core/store-kit';
import type { AuditEntry, EventRecord, EventTriggerRecord, EventWaitRecord, NewEvent, StartedRun, StartedRunFilter } from '@baton/core';
import type pg from 'pg';
import type { PostgresConnection } from '../connection/connection.js';
import { writeAudit } from '../access/audit-writes.js';
import { insertQueuedRun, storeSignal } from '../runs/apply-write.js';
import {
  DELETE_ENDED_WAITS,
  DELETE_TRIGGERS,
  DELETE_WAIT,
  INSERT_EVENT,
  INSERT_TRIGGERS,
  INSERT_WAIT,
  LOCK_EVENTS,
  SELECT_EVENT,
  TRIGGERS_OF_TYPE,
  WAITS_OF_TYPE,
  listEventsQuery,
} from './event-queries.js';
import { LIST_TRIGGERS, listStartedQuery, recordStarted, toStartedRun, type StartedRow } from './started-runs.js';

export class PostgresEvents implements EventStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }> {
    return this.#db.transaction(async (db, hints) => {
      // One emit at a time per deployment: the log's order is its commit order, and a wait registered
      // before this emit is seen by it (registrations take the same lock).
      await this.#lock(db);
      const inserted = (
        await db.query<EventRow>(INSERT_EVENT, [event.namespace, event.id, event.type, event.source, event.subject ?? null, event.time, event.data, now])
      ).rows[0];
      if (inserted === undefined) {
        const existing = (await db.query<EventRow>(SELECT_EVENT, [event.namespace, event.source, event.id])).rows[0]!;
        return { event: toEventRecord(existing), created: false };
      }
      const triggers = (await db.query<EventTriggerRow>(TRIGGERS_OF_TYPE, [event.namespace, event.type])).rows.map(toEventTrigger);
      const waits = (await db.query<EventWaitRow>(WAITS_OF_TYPE, [event.namespace, event.type])).rows.map(toEventWait);
      const plan = planEmit(event, Number(inserted.seq), triggers, waits);
      for (const run of plan.runs) {
        if (!(await insertQueuedRun(db, run, now))) continue;
        hints.push({ type: 'ready', runId: run.id });
        await recordStarted(db, eventOrigin(Number(inserted.seq)), run.id, now);
      }
      for (const d of plan.deliveries) {
        await storeSignal(db, d.runId, d.signal, d.payload, now, hints);
        await db.query(DELETE_WAIT, [d.runId, d.seq]);
      }
      // Waits of runs that ended are of no use any more.
      await db.query(DELETE_ENDED_WAITS, [event.namespace, event.type]);
      await writeAudit(db, audit);
      return { event: toEventRecord(inserted), created: true };
    });
  }

  async listEvents(filter: EventListFilter): Promise<EventRecord[]> {
    const { sql, params } = listEventsQuery(filter);
    return (await this.#db.query<EventRow>(sql, params)).rows.map(toEventRecord);
  }

  async listTriggers(namespace?: string): Promise<EventTriggerRecord[]> {
    return (await this.#db.query<EventTriggerRow>(LIST_TRIGGERS, [namespace ?? null])).rows.map(toEventTrigger);
  }

  async listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]> {
    const { sql, params } = listStartedQuery(filter);
    return (await this.#db.query<StartedRow>(sql, params)).rows.map(toStartedRun);
  }

  async saveTriggers(namespace: string, workflows: string[], triggers: EventTriggerRecord[]): Promise<void> {
    await this.#db.transaction(async (db) => {
      await db.query(DELETE_TRIGGERS, [namespace, workflows]);
      if (triggers.length === 0) return;
      await db.query(INSERT_TRIGGERS, [
        namespace,
        triggers.map((t) => t.workflow),
        triggers.map((_, n) => n),
        triggers.map((t) => t.type),
        triggers.map((t) => (t.match === undefined ? null : JSON.stringify(t.match))),
        triggers.map((t) => t.input),
        triggers.map((t) => t.queue),
        triggers.map((t) => t.priority),
      ]);
    });
  }

  async registerEventWait(wait: EventWaitRecord, now: number): Promise<void> {
    await this.#db.transaction(async (db) => {
      await this.#lock(db);
      await db.query(INSERT_WAIT, [wait.runId, wait.namespace, wait.seq, wait.type, wait.match === undefined ? null : JSON.stringify(wait.match), now]);
    });
  }

  async #lock(db: pg.ClientBase): Promise<void> {
    await db.query(LOCK_EVENTS, [`baton:events:${this.#db.schema}`]);
  }
}
