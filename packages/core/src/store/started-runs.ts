/**
 * Which runs a trigger started: the runs an event's triggers started, and the runs a schedule's
 * ticks (and its "run now") started. Stores record the link in the transaction that creates the
 * run, so the dashboard can show an event's runs and a schedule's tick history without scanning
 * runs. A run created another way (started by id, say) has no origin.
 */
import type { RunStatus } from './records.js';

/** The origin of the runs an event (by its log position) started. */
export function eventOrigin(seq: number): string {
  return `event:${seq}`;
}

/** The origin of the runs a schedule started. */
export function scheduleOrigin(id: string): string {
  return `schedule:${id}`;
}

/** A run a trigger started, with its status as it is now. */
export interface StartedRun {
  /** `event:<seq>` or `schedule:<id>` (see eventOrigin, scheduleOrigin). */
  origin: string;
  runId: string;
  workflow: string;
  namespace: string;
  status: RunStatus;
  /** When the trigger started it (the run's creation time). */
  at: number;
}

export interface StartedRunFilter {
  /** The origins to read (1 to 1000 of them). */
  origins: string[];
  /** Only runs of this namespace. */
  namespace?: string;
  /** At most this many runs in all, newest first. */
  limit: number;
}
