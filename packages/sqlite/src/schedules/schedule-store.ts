/** Schedules on SQLite: saved, paused, polled by the scheduler, and fired (the runs they start in the same transaction). */
import type { AuditEntry, ScheduleRecord } from '@baton/core';
import {
  SCHEDULE_COLUMNS,
  SCHEDULE_UPSERT,
  scheduleExists,
  scheduleIdTaken,
  scheduleNotFound,
  scheduleOrigin,
  scheduleValues,
  toScheduleRecord,
  type ScheduleFire,
  type ScheduleRow,
  type ScheduleStore,
} from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { RECORD_STARTED } from '../events/started-runs.js';
import { insertQueuedRun } from '../runs/apply-write.js';

/** Scopes a statement on one schedule id to a namespace, when one is given (its last two parameters, see scope()). */
const IN_NAMESPACE = 'AND (? IS NULL OR namespace = ?)';

function scope(namespace: string | undefined): [string | null, string | null] {
  return [namespace ?? null, namespace ?? null];
}

export class SqliteScheduleStore implements ScheduleStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord> {
    const values = scheduleValues(schedule);
    return this.#conn.write((hints) => {
      const placeholders = values.map(() => '?').join(', ');
      if (mode === 'create') {
        const inserted = this.#conn.db
          .prepare(`INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) DO NOTHING`)
          .run(...values);
        if (inserted.changes === 0) throw this.#taken(schedule);
      } else {
        // Replaces only the namespace's own schedule of that id.
        const saved = this.#conn.db
          .prepare(
            `INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) DO UPDATE SET ${SCHEDULE_UPSERT} WHERE schedules.namespace = excluded.namespace`,
          )
          .run(...values);
        if (saved.changes === 0) throw scheduleIdTaken(schedule.id);
      }
      writeAudit(this.#conn.statements, audit);
      hints.push({ type: 'ready', runId: '' });
      return toScheduleRecord(this.#conn.db.prepare('SELECT * FROM schedules WHERE id = ?').get(schedule.id) as ScheduleRow);
    });
  }

  /** A create found the id taken: by another namespace's schedule, or by this one's. */
  #taken(schedule: ScheduleRecord): Error {
    const holder = this.#conn.db.prepare('SELECT namespace FROM schedules WHERE id = ?').get(schedule.id) as { namespace: string } | undefined;
    return holder !== undefined && holder.namespace !== schedule.namespace ? scheduleIdTaken(schedule.id) : scheduleExists(schedule.id);
  }

  async getSchedule(id: string, namespace?: string): Promise<ScheduleRecord | undefined> {
    const row = this.#conn.db.prepare(`SELECT * FROM schedules WHERE id = ? ${IN_NAMESPACE}`).get(id, ...scope(namespace)) as ScheduleRow | undefined;
    return row === undefined ? undefined : toScheduleRecord(row);
  }

  async listSchedules(namespace?: string): Promise<ScheduleRecord[]> {
    const sql = namespace === undefined ? 'SELECT * FROM schedules ORDER BY id' : 'SELECT * FROM schedules WHERE namespace = ? ORDER BY id';
    return (this.#conn.db.prepare(sql).all(...(namespace === undefined ? [] : [namespace])) as ScheduleRow[]).map(toScheduleRecord);
  }

  async deleteSchedule(id: string, audit?: AuditEntry, namespace?: string): Promise<boolean> {
    return this.#conn.write(() =>
      this.#conn.audited(this.#conn.db.prepare(`DELETE FROM schedules WHERE id = ? ${IN_NAMESPACE}`).run(id, ...scope(namespace)).changes > 0, audit),
    );
  }

  async pruneCodeSchedules(namespace: string, workflows: string[], keep: string[]): Promise<void> {
    this.#conn.write(() => {
      this.#conn.db
        .prepare(
          "DELETE FROM schedules WHERE source = 'code' AND namespace = ? AND workflow IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))",
        )
        .run(namespace, JSON.stringify(workflows), JSON.stringify(keep));
    });
  }

  async setSchedulePaused(
    id: string,
    paused: boolean,
    nextAt: number | undefined,
    now: number,
    audit?: AuditEntry,
    namespace?: string,
  ): Promise<ScheduleRecord> {
    return this.#conn.write((hints) => {
      const changed = this.#conn.db
        .prepare(`UPDATE schedules SET paused = ?, next_at = ?, updated_at = ? WHERE id = ? ${IN_NAMESPACE}`)
        .run(paused ? 1 : 0, paused ? null : (nextAt ?? null), now, id, ...scope(namespace)).changes;
      if (changed === 0) throw scheduleNotFound(id);
      writeAudit(this.#conn.statements, audit);
      hints.push({ type: 'ready', runId: '' });
      return toScheduleRecord(this.#conn.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow);
    });
  }

  async nextScheduleAt(): Promise<number | undefined> {
    const row = this.#conn.statements.nextScheduleAt.get() as { at: number | null };
    return row.at ?? undefined;
  }

  async dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]> {
    return (this.#conn.statements.dueSchedules.all(now, limit) as ScheduleRow[]).map(toScheduleRecord);
  }

  async fireSchedule(fire: ScheduleFire, now: number): Promise<boolean> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const moved = this.#conn.db
        .prepare(
          'UPDATE schedules SET next_at = ?, last_tick_at = COALESCE(?, last_tick_at), last_run_id = COALESCE(?, last_run_id), updated_at = ? WHERE id = ? AND next_at = ? AND paused = 0',
        )
        .run(fire.nextAt ?? null, fire.lastTickAt ?? null, fire.lastRunId ?? null, now, fire.id, fire.expectedNextAt).changes;
      if (moved === 0) return false;
      const record = this.#conn.db.prepare(RECORD_STARTED);
      for (const run of fire.runs) {
        if (!insertQueuedRun(s, run, now)) continue;
        hints.push({ type: 'ready', runId: run.id });
        record.run(scheduleOrigin(fire.id), run.id, now);
      }
      for (const hold of fire.holds ?? []) s.holdRun.run({ id: hold.runId, after: hold.after });
      writeAudit(s, fire.audit);
      return true;
    });
  }
}
