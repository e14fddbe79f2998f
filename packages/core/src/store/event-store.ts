/** The events part of the storage seam: the event log, triggers that start runs, waits for events, and the runs origins started. */
import type { EventRecord, EventTriggerRecord, EventWaitRecord, NewEvent } from '../events/events.js';
import type { AuditEntry } from './activity.js';
import type { StartedRun, StartedRunFilter } from './started-runs.js';

/** Which events listEvents returns (see there). */
export interface EventListFilter {
  /** Only this namespace's events (absent: every namespace's). */
  namespace?: string;
  type?: string;
  after?: number;
  before?: number;
  newestFirst?: boolean;
  limit: number;
}

/**
 * Events, triggers and event waits belong to a namespace: an event starts only its namespace's
 * triggers (their runs in that namespace) and wakes only its namespace's waiting runs. Reads given a
 * `namespace` see only that namespace's; without one, every namespace's.
 */
export interface EventStore {
  /**
   * Stores an event in its namespace, deduplicated by (namespace, source, id): a second emit returns
   * the first with `created: false` and does nothing else. In the same transaction, taken one emit
   * at a time, it starts the runs of the namespace's matching triggers (recorded as started by the
   * event) and hands the event to the namespace's matching waiting runs (see planEmit).
   */
  emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }>;
  /**
   * Events in log order after `after` (a seq), optionally of one type; with `newestFirst`, the
   * newest first and only those before `before` (a seq), for reading the log back from its end.
   */
  listEvents(filter: EventListFilter): Promise<EventRecord[]>;
  /** Replaces `namespace`'s stored triggers of these workflows with `triggers` (all of that namespace). */
  saveTriggers(namespace: string, workflows: string[], triggers: EventTriggerRecord[]): Promise<void>;
  /** The stored event triggers (only `namespace`'s when given), by namespace and workflow. */
  listTriggers(namespace?: string): Promise<EventTriggerRecord[]>;
  /**
   * The runs these origins (events, schedules) started, newest first, with their current status.
   * An emit records the runs its triggers start, and a schedule firing the runs it starts, in
   * their own transactions.
   */
  listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]>;
  /**
   * Registers a run's wait for an event at a journal position (idempotent), one emit at a time: every
   * event of the wait's namespace stored after it returns is considered for this wait, none before.
   */
  registerEventWait(wait: EventWaitRecord, now: number): Promise<void>;
}
