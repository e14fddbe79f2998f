/** Events on SQLite: emitted (starting runs by their triggers and waking runs waiting for them), triggers, waits, started runs. */
import type { EventListFilter } from '@baton/core/store-kit';
import type { AuditEntry, EventRecord, EventTriggerRecord, EventWaitRecord, NewEvent, StartedRun, StartedRunFilter } from '@baton/core';
import {
  eventOrigin,
  planEmit,
  toEventRecord,
  toEventTrigger,
  toEventWait,
  type EventRow,
  type EventStore,
  type EventTriggerRow,
  type EventWaitRow,
} from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { insertQueuedRun, storeSignal } from '../runs/apply-write.js';
import { LIST_TRIGGERS, RECORD_STARTED, listStartedRuns } from './started-runs.js';

export class SqliteEventStore implements EventStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const inserted = s.insertEvent.get(event.namespace, event.id, event.type, event.source, event.subject ?? null, event.time, event.data, now) as
        EventRow | undefined;
      if (inserted === undefined) {
        const existing = s.eventBySourceAndId.get(event.namespace, event.source, event.id) as EventRow;
        return { event: toEventRecord(existing), created: false };
      }
      const triggers = (s.triggersOfType.all(event.namespace, event.type) as EventTriggerRow[]).map(toEventTrigger);
      const waits = (s.liveWaitsOfType.all(event.namespace, event.type) as EventWaitRow[]).map(toEventWait);
      const plan = planEmit(event, inserted.seq, triggers, waits);
      const record = this.#conn.db.prepare(RECORD_STARTED);
      for (const run of plan.runs) {
        if (!insertQueuedRun(s, run, now)) continue;
        hints.push({ type: 'ready', runId: run.id });
        record.run(eventOrigin(inserted.seq), run.id, now);
      }
      for (const d of plan.deliveries) {
        storeSignal(s, d.runId, d.signal, d.payload, now, hints);
        s.deleteEventWait.run(d.runId, d.seq);
      }
      // Waits of runs that ended are of no use any more.
      s.deleteEndedWaits.run(event.namespace, event.type);
      writeAudit(s, audit);
      return { event: toEventRecord(inserted), created: true };
    });
  }

  async listEvents(filter: EventListFilter): Promise<EventRecord[]> {
    // Only the conditions given, so the planner picks the (namespace, type, seq) index that fits.
    const where = ['seq > @after'];
    if (filter.before !== undefined) where.push('seq < @before');
    if (filter.namespace !== undefined) where.push('namespace = @namespace');
    if (filter.type !== undefined) where.push('type = @type');
    const rows = this.#conn.db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${filter.newestFirst === true ? 'DESC' : ''} LIMIT @limit`)
      .all({
        after: filter.after ?? 0,
        limit: filter.limit,
        ...(filter.before === undefined ? {} : { before: filter.before }),
        ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }),
        ...(filter.type === undefined ? {} : { type: filter.type }),
      }) as EventRow[];
    return rows.map(toEventRecord);
  }

  async listTriggers(namespace?: string): Promise<EventTriggerRecord[]> {
    return (this.#conn.db.prepare(LIST_TRIGGERS).all({ namespace: namespace ?? null }) as EventTriggerRow[]).map(toEventTrigger);
  }

  async listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]> {
    return listStartedRuns(this.#conn.db, filter);
  }

  async saveTriggers(namespace: string, workflows: string[], triggers: EventTriggerRecord[]): Promise<void> {
    const db = this.#conn.db;
    this.#conn.write(() => {
      db.prepare('DELETE FROM event_triggers WHERE namespace = ? AND workflow IN (SELECT value FROM json_each(?))').run(namespace, JSON.stringify(workflows));
      const insert = db.prepare('INSERT INTO event_triggers (namespace, workflow, n, type, match, input, queue, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      triggers.forEach((t, n) =>
        insert.run(namespace, t.workflow, n, t.type, t.match === undefined ? null : JSON.stringify(t.match), t.input, t.queue, t.priority),
      );
    });
  }

  async registerEventWait(wait: EventWaitRecord, now: number): Promise<void> {
    this.#conn.write(() => {
      this.#conn.statements.registerEventWait.run(
        wait.runId,
        wait.namespace,
        wait.seq,
        wait.type,
        wait.match === undefined ? null : JSON.stringify(wait.match),
        now,
      );
    });
  }
}
