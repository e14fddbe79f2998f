/**
 * The records a Store keeps. Payloads (input, output, results, signal data) are strings produced by
 * the PayloadCodec; stores keep them as they are and never interpret them. Times are epoch ms.
 */
import type { RateLimit } from './flow-control.js';

export const RunStatus = {
  Queued: 'queued',
  Running: 'running',
  Waiting: 'waiting',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const TERMINAL_STATUSES: readonly RunStatus[] = [RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled];

export function isTerminalStatus(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** What a run is doing inside its body: running it, or undoing it (saga compensation). */
export const RunPhase = { Body: 'body', Compensating: 'compensating' } as const;
export type RunPhase = (typeof RunPhase)[keyof typeof RunPhase];

/** An error as stored: name, message, stable code, and the full encoded error for decoding. */
export interface StoredError {
  name: string;
  message: string;
  code?: string;
  /** PayloadCodec encoding of the Error itself (stack, cause, fields). */
  encoded?: string;
}

/** What a suspended run waits for; the store wakes the run when one of these is satisfied. */
export interface RunWaits {
  /** Signal names: a signal with one of these names wakes the run. */
  signals: string[];
  /** Child run ids: the end of one of these runs wakes the run. */
  children: string[];
  /** Deadlines of timers (sleeps, timeouts, retry back-offs) by journal position. */
  timers: Record<string, number>;
  /** The operation at each position the run was waiting at: replay checks them like journal entries. */
  pending?: PendingOperation[];
  /** The escalation of each person's task the run waits at (what the inbox shows of it). */
  escalations?: WaitEscalation[];
  /**
   * When the run began to wait: the earliest `since` of its pending operations. A wake that leaves
   * an operation pending (an escalation stage, a reminder) keeps it, so "waiting for how long"
   * counts from the wait's start, not from the row's last change. Absent in runs suspended before
   * Baton recorded it (read as the run's `updatedAt`).
   */
  since?: number;
}

/** How far the escalation of one signal wait has gone. */
export interface WaitEscalation {
  /** The signal waited for. */
  signal: string;
  /** The wait's position. */
  seq: number;
  /** When the wait began (stage times count from it). */
  began: number;
  /** Who the task was last reassigned to by escalation. */
  assignee?: string;
  /** The stages that happened, in order. */
  stages: EscalationEvent[];
  /** When the next stage is due, and what it does. */
  next?: { action: string; at: number };
}

/** One stage of an escalation that happened. */
export interface EscalationEvent {
  action: 'remind' | 'reassign' | 'notify' | 'decide';
  at: number;
  /** For reassign: the person or group. */
  to?: string;
  /** For remind and notify: the channels asked. */
  channels?: string[];
}

export interface PendingOperation {
  seq: number;
  kind: EntryKind;
  name: string;
  /** When the run began to wait at this position (kept across wakes while it stays pending). */
  since?: number;
}

export interface RunRecord {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  input: string;
  output?: string;
  error?: StoredError;
  queue: string;
  priority: number;
  parentId?: string;
  /** Journal position in the parent that this child answers. */
  parentSeq?: number;
  /** The run this one continues (continueAsNew), and the run that continued this one. */
  continuedFrom?: string;
  continuedTo?: string;
  progress?: string;
  cancelRequested: boolean;
  /** Why the run was cancelled (the error it ends with), once a cancel was requested. */
  cancelReason?: StoredError;
  phase: RunPhase;
  /** The status the run ends with once compensation is done ('failed' or 'cancelled'). */
  endStatus?: RunStatus;
  /**
   * The completed steps the run undoes, in the order it undoes them (latest first), as they stood
   * when compensation began. Each one's compensation is a journal entry once it has run.
   */
  compensationPlan?: PlannedCompensation[];
  /** When a waiting run is due (the earliest timer), if it waits on a timer. */
  wakeAt?: number;
  waits?: RunWaits;
  leaseOwner?: string;
  leaseExpiresAt?: number;
  /** How many times the run was claimed (1 for a run that never crashed or suspended). */
  claims: number;
  concurrencyKey?: string;
  concurrencyLimit?: number;
  rateKey?: string;
  rateLimit?: RateLimit;
  /** The namespace the run belongs to (API keys see only their namespace's runs). */
  namespace: string;
  /** Labels to find the run by (run lists filter on them). */
  tags: string[];
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  endedAt?: number;
}

/** A completed step a compensating run is to undo: its journal position and name. */
export interface PlannedCompensation {
  seq: number;
  name: string;
}

/** The kinds of journal entry. Body kinds are matched by replay; compensation entries are not. */
export const EntryKind = {
  Step: 'step',
  Sleep: 'sleep',
  Signal: 'signal',
  Event: 'event',
  Child: 'child',
  Now: 'now',
  Random: 'random',
  Uuid: 'uuid',
  Patch: 'patch',
  /** A stage of a signal wait's escalation (remind, reassign, notify, decide). */
  Escalation: 'escalation',
  Compensation: 'compensation',
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

export const JournalEntryStatus = { Completed: 'completed', Failed: 'failed', Skipped: 'skipped' } as const;
export type JournalEntryStatus = (typeof JournalEntryStatus)[keyof typeof JournalEntryStatus];

export interface JournalEntry {
  runId: string;
  /** Position of the operation in the run, from 1. */
  seq: number;
  kind: EntryKind;
  name: string;
  /**
   * 'skipped': a step whose attempts were spent and whose `fallback` value stands as its result
   * (`output` is the fallback, `error` what made it give up); replay returns the fallback.
   */
  status: JournalEntryStatus;
  /**
   * What the operation worked on, encoded like `output`: a step's `input` option, or the compensated
   * step's result for a compensation. Informational only: replay never reads it.
   */
  input?: string;
  output?: string;
  error?: StoredError;
  attempts: number;
  startedAt: number;
  endedAt: number;
  /** For compensation entries: the position of the step being compensated. */
  compensates?: number;
}

export interface SignalRecord {
  id: number;
  runId: string;
  name: string;
  payload: string;
  createdAt: number;
}

/** Attempts of a step that failed and waits to be tried again (survives crashes and suspension). */
export interface StepRetryRecord {
  seq: number;
  attempts: number;
  nextAttemptAt: number;
  error?: StoredError;
}

/** What a parent needs to know of its children to resume. */
export interface ChildRecord {
  id: string;
  parentSeq?: number;
  status: RunStatus;
  output?: string;
  error?: StoredError;
  continuedTo?: string;
}

export interface NewRun {
  id: string;
  workflow: string;
  version: string;
  input: string;
  queue: string;
  priority: number;
  parentId?: string;
  parentSeq?: number;
  continuedFrom?: string;
  /** At most `concurrencyLimit` runs with this key hold a slot (are running) at once. */
  concurrencyKey?: string;
  concurrencyLimit?: number;
  /** The run's start waits for this limiter (runs with the same key share it). */
  rateKey?: string;
  rateLimit?: RateLimit;
  /** Default 'default'; child and continued runs take their parent's. */
  namespace?: string;
  tags?: string[];
}

/** A search looks at a run's id and this many first characters of its encoded input. */
export const SEARCHED_INPUT_CHARS = 2048;

export interface RunFilter {
  workflow?: string;
  namespace?: string;
  /** Only runs carrying this tag. */
  tag?: string;
  /**
   * Only runs whose id, or the first SEARCHED_INPUT_CHARS characters of whose encoded input, contain
   * this text (case-insensitive).
   */
  search?: string;
  status?: RunStatus | RunStatus[];
  parentId?: string;
  /**
   * Failed runs by review: 'open' is the review queue (failed, and this failure not marked
   * resolved), 'resolved' the failed runs marked resolved. Implies status 'failed'.
   */
  review?: 'open' | 'resolved';
  /** Only runs created at or after / before this time. */
  createdAfter?: number;
  createdBefore?: number;
  /** At most this many runs (default 50, at most 1000). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface RunPage {
  runs: RunRecord[];
  nextCursor?: string;
}
