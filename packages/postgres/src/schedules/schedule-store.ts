/** Schedules on PostgreSQL (ScheduleStore): saved with their audit entry, fired in one transaction with the runs they start. */
import {
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
import type { AuditEntry, ScheduleRecord } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { audited, writeAudit } from '../access/audit-writes.js';
import { insertQueuedRun } from '../runs/apply-write.js';
import { recordStarted } from '../events/started-runs.js';
import {
  DELETE_SCHEDULE,
  DUE_SCHEDULES,
  HOLD_RUNS,
  LIST_SCHEDULES,
  MOVE_SCHEDULE,
  NEXT_SCHEDULE_AT,
  PRUNE_CODE_SCHEDULES,
  SCHEDULE_NAMESPACE,
  SELECT_SCHEDULE,
  SET_PAUSED,
  saveScheduleSql,
} from './schedule-queries.js';

export class PostgresSchedules implements ScheduleStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord> {
    const values = scheduleValues(schedule);
    const row = (await audited<ScheduleRow>(this.#db, saveScheduleSql(values.length, mode), values, audit)).rows[0];
    if (row === undefined) {
      // Nothing written: the id is this namespace's (a create) or another namespace's.
      const holder = (await this.#db.query<{ namespace: string }>(SCHEDULE_NAMESPACE, [schedule.id])).rows[0];
      throw mode === 'upsert' || (holder !== undefined && holder.namespace !== schedule.namespace) ? scheduleIdTaken(schedule.id) : scheduleExists(schedule.id);
    }
    this.#db.notify([{ type: 'ready', runId: '' }]);
    return toScheduleRecord(row);
  }

  async getSchedule(id: string, namespace?: string): Promise<ScheduleRecord | undefined> {
    const row = (await this.#db.query<ScheduleRow>(SELECT_SCHEDULE, [id, namespace ?? null])).rows[0];
    return row === undefined ? undefined : toScheduleRecord(row);
  }

  async listSchedules(namespace?: string): Promise<ScheduleRecord[]> {
    return (await this.#db.query<ScheduleRow>(LIST_SCHEDULES, [namespace ?? null])).rows.map(toScheduleRecord);
  }

  async deleteSchedule(id: string, audit?: AuditEntry, namespace?: string): Promise<boolean> {
    return (await audited(this.#db, DELETE_SCHEDULE, [id, namespace ?? null], audit)).rows.length > 0;
  }

  async pruneCodeSchedules(namespace: string, workflows: string[], keep: string[]): Promise<void> {
    await this.#db.query(PRUNE_CODE_SCHEDULES, [namespace, workflows, keep]);
  }

  async setSchedulePaused(
    id: string,
    paused: boolean,
    nextAt: number | undefined,
    now: number,
    audit?: AuditEntry,
    namespace?: string,
  ): Promise<ScheduleRecord> {
    const row = (await audited<ScheduleRow>(this.#db, SET_PAUSED, [id, paused ? 1 : 0, paused ? null : (nextAt ?? null), now, namespace ?? null], audit))
      .rows[0];
    if (row === undefined) throw scheduleNotFound(id);
    this.#db.notify([{ type: 'ready', runId: '' }]);
    return toScheduleRecord(row);
  }

  async nextScheduleAt(): Promise<number | undefined> {
    const row = (await this.#db.query<{ at: number | null }>(NEXT_SCHEDULE_AT)).rows[0];
    return row?.at ?? undefined;
  }

  async dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]> {
    return (await this.#db.query<ScheduleRow>(DUE_SCHEDULES, [now, limit])).rows.map(toScheduleRecord);
  }

  async fireSchedule(fire: ScheduleFire, now: number): Promise<boolean> {
    return this.#db.transaction(async (db, hints) => {
      const moved = await db.query(MOVE_SCHEDULE, [fire.nextAt ?? null, fire.lastTickAt ?? null, fire.lastRunId ?? null, now, fire.id, fire.expectedNextAt]);
      if ((moved.rowCount ?? 0) === 0) return false;
      for (const run of fire.runs) {
        if (!(await insertQueuedRun(db, run, now))) continue;
        hints.push({ type: 'ready', runId: run.id });
        await recordStarted(db, scheduleOrigin(fire.id), run.id, now);
      }
      await writeAudit(db, fire.audit);
      const holds = fire.holds ?? [];
      if (holds.length > 0) {
        await db.query(HOLD_RUNS, [holds.map((h) => h.runId), holds.map((h) => h.after)]);
      }
      return true;
    });
  }
}
