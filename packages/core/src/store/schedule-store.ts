/** The schedules part of the storage seam: cron schedules and their firing, one engine at a time per tick. */
import type { ScheduleRecord } from '../schedule/schedule.js';
import type { NewRun } from './records.js';
import type { AuditEntry } from './activity.js';

/** One firing of a schedule (see Store.fireSchedule). */
export interface ScheduleFire {
  id: string;
  expectedNextAt: number;
  nextAt: number | undefined;
  /** The tick fired (absent: the last tick stays as it was, for a run started now by hand). */
  lastTickAt?: number;
  /** The run the schedule last started, when this firing started one. */
  lastRunId?: string;
  runs: NewRun[];
  /** Runs held until another ends (`after`): they stay queued, not ready, until it has (at once if it already has). */
  holds?: { runId: string; after: string }[];
  /** Written with the firing when it applies (an audited "run now"). */
  audit?: AuditEntry;
}

export interface ScheduleStore {
  /**
   * Stores a schedule. 'create' throws BATON_SCHEDULE_EXISTS when the id is taken; 'upsert' replaces
   * it, keeping its pause state, last tick and next tick unless its pattern or time zone changed.
   */
  saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  listSchedules(): Promise<ScheduleRecord[]>;
  /** False when there was no such schedule. */
  deleteSchedule(id: string, audit?: AuditEntry): Promise<boolean>;
  /** Deletes the code-declared schedules of these workflows whose ids are not in `keep`. */
  pruneCodeSchedules(workflows: string[], keep: string[]): Promise<void>;
  /** Pauses a schedule (no next tick) or resumes it at `nextAt`. Throws BATON_SCHEDULE_NOT_FOUND. */
  setSchedulePaused(id: string, paused: boolean, nextAt: number | undefined, now: number, audit?: AuditEntry): Promise<ScheduleRecord>;
  /** The earliest next tick of any schedule not paused. */
  nextScheduleAt(): Promise<number | undefined>;
  /** Schedules whose next tick is at or before `now`, earliest first. */
  dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]>;
  /**
   * Fires due ticks in one transaction: moves the schedule on from `expectedNextAt` and creates
   * `runs` (ids that exist are left alone), recording each run it creates as started by the
   * schedule (see started-runs.ts). False, and nothing written, when the schedule is no
   * longer at `expectedNextAt` (another engine fired it) or was paused.
   */
  fireSchedule(fire: ScheduleFire, now: number): Promise<boolean>;
}
