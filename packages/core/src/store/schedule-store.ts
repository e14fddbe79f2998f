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

/**
 * Schedules belong to a namespace (ScheduleRecord.namespace), but their ids are unique across the
 * deployment: a tick's run id and its started-runs origin are derived from the id alone. Reads and
 * changes given a `namespace` act only on that namespace's schedules (another's is not found); without
 * one they act on every namespace. The scheduler's polls and firings span every namespace.
 */
export interface ScheduleStore {
  /**
   * Stores a schedule in its namespace. 'create' throws BATON_SCHEDULE_EXISTS when the id is taken
   * (with reason 'other-namespace' when another namespace holds it); 'upsert' replaces the
   * namespace's schedule of that id, keeping its pause state, last tick and next tick unless its
   * pattern or time zone changed, and throws like 'create' when another namespace holds the id.
   */
  saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord>;
  getSchedule(id: string, namespace?: string): Promise<ScheduleRecord | undefined>;
  /** By id; only `namespace`'s when given. */
  listSchedules(namespace?: string): Promise<ScheduleRecord[]>;
  /** False when there was no such schedule (in `namespace`, when given). */
  deleteSchedule(id: string, audit?: AuditEntry, namespace?: string): Promise<boolean>;
  /** Deletes `namespace`'s code-declared schedules of these workflows whose ids are not in `keep`. */
  pruneCodeSchedules(namespace: string, workflows: string[], keep: string[]): Promise<void>;
  /**
   * Pauses a schedule (no next tick) or resumes it at `nextAt`. Throws BATON_SCHEDULE_NOT_FOUND when
   * there is none (in `namespace`, when given).
   */
  setSchedulePaused(id: string, paused: boolean, nextAt: number | undefined, now: number, audit?: AuditEntry, namespace?: string): Promise<ScheduleRecord>;
  /** The earliest next tick of any schedule not paused, in any namespace. */
  nextScheduleAt(): Promise<number | undefined>;
  /** Schedules of every namespace whose next tick is at or before `now`, earliest first. */
  dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]>;
  /**
   * Fires due ticks in one transaction: moves the schedule on from `expectedNextAt` and creates
   * `runs` (ids that exist are left alone), recording each run it creates as started by the
   * schedule (see started-runs.ts). False, and nothing written, when the schedule is no
   * longer at `expectedNextAt` (another engine fired it) or was paused. The runs carry the
   * schedule's namespace (the caller sets it).
   */
  fireSchedule(fire: ScheduleFire, now: number): Promise<boolean>;
}
