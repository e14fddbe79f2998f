/**
 * The storage seam. The engine owns all workflow logic; a Store only keeps records and applies the
 * few state changes below atomically. Every store must pass the conformance suite in @baton/testkit.
 *
 * Invariants every implementation keeps:
 * - Every method that changes state does so in one transaction.
 * - `commit` applies each WriteOp only if the run's lease token still matches (fencing); a fenced-off
 *   op changes nothing and reports `leaseLost`, without affecting the other ops of the batch.
 * - A journal position (runId, seq) is written at most once; a second write is refused.
 * - Times come from the caller (`now`), never from the store's own clock, so tests can drive them.
 * - A method given an `audit` entry writes it in the transaction of the change it makes.
 * - Every run status change and journal entry is added to the change feed in its transaction.
 */
import type {
  ChildRecord,
  JournalEntry,
  NewRun,
  PlannedCompensation,
  RunFilter,
  RunPage,
  RunPhase,
  RunRecord,
  RunStatus,
  RunWaits,
  SignalRecord,
  StepRetryRecord,
  StoredError,
} from './records.js';
import type { QueueRecord, RateDecision, RateLimit, StartControl } from './flow-control.js';
import type { ScheduleRecord } from '../schedule/schedule.js';
import type { ApiKeyRecord } from '../auth/api-keys.js';
import type { EventRecord, EventTriggerRecord, EventWaitRecord, NewEvent } from '../events/events.js';
import type { StoreStats } from './store-stats.js';
import type { AuditEntry, AuditFilter, AuditRecord, ChangeFilter, ChangePage } from './activity.js';
import type { CacheEntry } from './cache.js';
import type { Overview, OverviewFilter } from './overview.js';
import type { InboxClaim, InboxFilter, InboxPage } from './inbox.js';
import type { StartedRun, StartedRunFilter } from './started-runs.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import type { DefinitionStore } from './definition-store.js';

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

export interface StoreCapabilities {
  /** The store calls `subscribe` listeners when runs become ready in this process. */
  readonly localNotifications: boolean;
  /** Other processes may share the store (so the engine must also poll). */
  readonly sharedAcrossProcesses: boolean;
}

export interface WorkflowRef {
  name: string;
  version: string;
  /** Runs of this workflow created without a version (by name, from another process) run on the current one. */
  current?: boolean;
}

export interface ClaimRequest {
  /** Identifies the claiming engine (for leases and diagnostics). */
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Only runs of these workflow versions are claimed. */
  workflows: WorkflowRef[];
  /** Only runs of these queues are claimed (all queues when absent). */
  queues?: string[];
  /**
   * Also claim runs under a limit (queue concurrency or rate, a run's own concurrency key or rate),
   * admitting only as many as the limits allow. Without it such runs are left to other claims.
   */
  flowControl?: boolean;
}

/** Everything an engine needs to resume a run, read in the claim's transaction. */
export interface ClaimedRun {
  run: RunRecord;
  leaseToken: string;
  /** The run's journal, in order. Entries may come without their `input`: replay never reads it. */
  journal: JournalEntry[];
  /** Signals not yet consumed, oldest first. */
  signals: SignalRecord[];
  /**
   * The highest signal id of this run when it was claimed (0 if none). A signal the engine hears of
   * later is new to this execution only if its id is higher; older ones are in `signals` or consumed.
   */
  signalHorizon: number;
  stepRetries: StepRetryRecord[];
  children: ChildRecord[];
}

export interface Lease {
  runId: string;
  token: string;
}

export interface LeaseStatus {
  runId: string;
  /** False when the lease was lost (expired and taken, or the run ended elsewhere). */
  held: boolean;
  cancelRequested: boolean;
}

/** How a WriteOp ends the current execution of the run, if it does. */
export type RunTransition =
  | { kind: 'complete'; output: string }
  | { kind: 'fail'; error: StoredError }
  | { kind: 'cancel'; error?: StoredError }
  /** Waits: the store sets wakeAt, and wakes the run at once if a signal or child it waits for is already there. */
  | { kind: 'suspend'; wakeAt?: number; waits: RunWaits }
  /**
   * Gives the run back (graceful shutdown): queued again, journal kept. With `limits` the run also
   * takes these limits and counts as never started (a run created without its workflow's limits,
   * such as an event-triggered one, before it begins), so the next claim admits it within them.
   */
  | { kind: 'release'; limits?: Pick<NewRun, 'concurrencyKey' | 'concurrencyLimit' | 'rateKey' | 'rateLimit'> }
  /** Ends this run as completed and creates `next` (in `createRuns`) continuing it. */
  | { kind: 'continue'; nextRunId: string };

/** One fenced change to one run; the store applies the parts in this order, all or nothing. */
export interface WriteOp {
  runId: string;
  leaseToken: string;
  /**
   * Creates the run itself (skips fencing; an existing id gives `{ ok: false, reason: 'exists' }`).
   * With `leaseOwner` the run is created already claimed with `leaseToken` (eager start) and the
   * other parts of the op apply to it; without, it is created queued and the op has no other parts.
   */
  create?: NewRun & { leaseOwner?: string; leaseExpiresAt?: number };
  journal?: JournalEntry[];
  consumeSignals?: number[];
  stepRetries?: StepRetryRecord[];
  /** Child runs (and continue-as-new runs) to create; an existing id is left as it is. */
  createRuns?: NewRun[];
  /** Latest progress value (encoded); null clears it. */
  progress?: string | null;
  /**
   * Enter compensation: the run undoes the `plan`'s steps in order, then ends with `endStatus` and
   * `error`.
   */
  compensate?: { endStatus: RunStatus; error?: StoredError; plan: PlannedCompensation[] };
  transition?: RunTransition;
  /** Written with the op when it applies (an audited start). */
  audit?: AuditEntry;
}

export type WriteResult =
  | { ok: true; /** A suspend found its wake condition already met: the run is ready again. */ woken?: boolean }
  | { ok: false; reason: 'leaseLost' | 'exists' | 'conflict' };

export type StoreHint =
  | { type: 'ready'; runId: string }
  | { type: 'finished'; runId: string; status: RunStatus }
  | { type: 'cancelRequested'; runId: string; reason?: StoredError }
  | { type: 'signal'; runId: string; signal: SignalRecord };

/** A store also keeps the workflow catalog (see workflow-catalog.ts) and the deployed definitions (definition-store.ts). */
export interface Store extends WorkflowCatalog, DefinitionStore {
  readonly capabilities: StoreCapabilities;

  /** Creates or migrates the schema (numbered migrations, applied under a lock). Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /**
   * Creates a queued run; if the id exists, returns the existing run with `created: false`. With
   * `control`, the start may instead coalesce into a pending debounced run or the throttle period's
   * run, which is returned (with `created: false`), in the same transaction.
   */
  createRun(run: NewRun, now: number, control?: StartControl, audit?: AuditEntry): Promise<{ run: RunRecord; created: boolean }>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first; `nextCursor` pages on. */
  listRuns(filter: RunFilter): Promise<RunPage>;
  getJournal(runId: string): Promise<JournalEntry[]>;
  getSignals(runId: string, options?: { includeConsumed?: boolean }): Promise<(SignalRecord & { consumed: boolean })[]>;

  /**
   * Claims up to `limit` ready runs: queued, waiting and due, or running with an expired lease.
   * Higher priority first, then oldest ready. Each gets a fresh lease token.
   */
  claimRuns(request: ClaimRequest): Promise<ClaimedRun[]>;
  /** Extends leases still held; reports lost ones and pending cancel requests. */
  renewLeases(owner: string, leases: Lease[], now: number, leaseMs: number): Promise<LeaseStatus[]>;
  /** The owners (engine ids) of unexpired leases on running runs. */
  leaseOwners(now: number): Promise<string[]>;
  /**
   * Makes every unexpired lease `owner` holds on a running run expire at `now`, in one transaction, so
   * those runs can be claimed at once (used when the owner's process is known to be gone). Fenced on the
   * owner: a run claimed by another engine meanwhile is untouched. Returns the ids of the runs freed.
   */
  expireLeases(owner: string, now: number): Promise<string[]>;
  /** Applies a batch of fenced writes in one transaction (group commit). Results match `ops` by index. */
  commit(ops: WriteOp[], now: number): Promise<WriteResult[]>;
  /**
   * The earliest time a run of these workflows becomes due, if any: a waiting run's wake time, or a
   * limited run held back by a rate limit. Runs already due that a limit holds back are left out
   * (a freed slot announces itself with a 'ready' hint).
   */
  nextWakeAt(workflows: WorkflowRef[], now: number): Promise<number | undefined>;

  /** Stores queue definitions (their limits; none clears them), replacing earlier ones of the same names. */
  defineQueues(queues: QueueRecord[], now: number): Promise<void>;
  /** Every stored queue definition. */
  listQueues(): Promise<QueueRecord[]>;
  /** Takes one event from the rate limiter `key` (created on first use), or says when it next conforms. */
  acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision>;

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

  /** Stores a new API key (its id is new). */
  createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** False when there is no such key or it was revoked already. */
  revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean>;

  /** Stores a signal for a run and wakes it if it waits for that name. Throws RUN_NOT_FOUND / RUN_FINISHED. */
  sendSignal(runId: string, name: string, payload: string, now: number, audit?: AuditEntry): Promise<SignalRecord>;
  /**
   * Requests cancellation. A queued run that never started is cancelled at once; a running or waiting
   * run is flagged and woken so its engine compensates and ends it. Throws RUN_NOT_FOUND / RUN_FINISHED.
   */
  requestCancel(runId: string, now: number, reason?: StoredError, audit?: AuditEntry): Promise<RunRecord>;
  /**
   * Puts a failed run back in the queue. `retry` first sets aside the failed entries (failed steps
   * and children) so they run again; `resume` keeps the journal as it is. Throws RUN_NOT_FOUND /
   * RUN_NOT_FAILED / RETRY_NOT_POSSIBLE.
   */
  requeue(runId: string, mode: 'retry' | 'resume', now: number, audit?: AuditEntry): Promise<RunRecord>;

  /** Writes an audit entry on its own (a call that changed nothing: refused, failed, or a repeat). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;

  /**
   * Changes after `filter.after`, oldest first, only those whose transactions have committed and
   * in an order no later commit can come before.
   */
  listChanges(filter: ChangeFilter): Promise<ChangePage>;
  /** The cursor of the feed's end: reading from it gives only changes still to come. */
  changeCursor(): Promise<string>;
  /** Deletes changes older than `before` (a time); returns how many. */
  pruneChanges(before: number): Promise<number>;

  /**
   * A cached value that has not expired at `now` (`now < expiresAt`), or undefined. Also counts the
   * hit, in the same statement: the entry comes back with its `hits` after the increment.
   */
  getCached(key: string, now: number): Promise<CacheEntry | undefined>;
  /** Stores a value until `expiresAt` (replacing one with the same key, its hits with `entry.hits ?? 0`). */
  putCached(entry: CacheEntry): Promise<void>;
  /** Deletes entries that expired before `now` (`expiresAt <= now`); returns how many. */
  pruneCached(now: number): Promise<number>;

  /**
   * The overview of a window (see overview.ts): runs started and ended per time bucket, per-workflow
   * counts and duration percentiles, queued runs per queue, runs waiting for people, and LLM cost and
   * tokens. Computed with aggregates in the database; read-only. Throws BATON_INVALID_ARGUMENT for a
   * window of no bucket or of more than OVERVIEW_MAX_BUCKETS.
   */
  overview(filter: OverviewFilter): Promise<Overview>;

  /** Runs waiting for a signal a person sends (see inbox.ts), oldest wait first, with their claims. */
  listInbox(filter: InboxFilter): Promise<InboxPage>;
  /**
   * Claims a run waiting for a person's signal for `claim.assignee`, replacing an earlier claim.
   * Throws RUN_NOT_FOUND, or RUN_NOT_WAITING when the run waits for no person's signal now.
   */
  claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim>;
  /** Drops a run's claim; false (and no audit entry written) when it had none. */
  releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean>;

  /** Local change hints (only when `capabilities.localNotifications`). Returns an unsubscribe function. */
  subscribe(listener: (hint: StoreHint) => void): () => void;

  /**
   * Counts of runs by what they wait for, read at `now` (for metrics): queued runs per queue with the
   * oldest ones' times, running, waiting, waiting for a signal, and running with an expired lease.
   * Read-only; it may scan the queued and waiting runs, so call it at scrape pace, not per run.
   */
  stats(now: number): Promise<StoreStats>;
}

export type { RunPhase };
