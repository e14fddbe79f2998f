/** The events part of the storage seam: the event log, triggers that start runs, waits for events, and the runs origins started. */
import type { EventRecord, EventTriggerRecord, EventWaitRecord, NewEvent } from '../events/events.js';
import type { AuditEntry } from './activity.js';
import type { StartedRun, StartedRunFilter } from './started-runs.js';

export interface EventStore {
  /**
   * Stores an event, deduplicated by (source, id): a second emit returns the first with `created:
   * false` and does nothing else. In the same transaction, taken one emit at a time, it starts the
   * runs of the matching triggers (recorded as started by the event) and hands the event to
   * matching waiting runs (see planEmit).
   */
  emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }>;
  /**
   * Events in log order after `after` (a seq), optionally of one type; with `newestFirst`, the
   * newest first and only those before `before` (a seq), for reading the log back from its end.
   */
  listEvents(filter: { type?: string; after?: number; before?: number; newestFirst?: boolean; limit: number }): Promise<EventRecord[]>;
  /** Replaces the stored triggers of these workflows with `triggers`. */
  saveTriggers(workflows: string[], triggers: EventTriggerRecord[]): Promise<void>;
  /** Every stored event trigger, by workflow. */
  listTriggers(): Promise<EventTriggerRecord[]>;
  /**
   * The runs these origins (events, schedules) started, newest first, with their current status.
   * An emit records the runs its triggers start, and a schedule firing the runs it starts, in
   * their own transactions.
   */
  listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]>;
  /**
   * Registers a run's wait for an event at a journal position (idempotent), one emit at a time: every
   * event stored after it returns is considered for this wait, none before.
   */
  registerEventWait(wait: EventWaitRecord, now: number): Promise<void>;
}
