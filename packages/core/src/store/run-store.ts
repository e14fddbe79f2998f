/**
 * The runs part of the storage seam: runs and their journals, claims and leases, the fenced group
 * commit, signals, cancel and requeue, and the change hints that wake engines. The hot path of every
 * run goes through here: claim, commit, renew.
 */
import type {
  ChildRecord,
  JournalEntry,
  NewRun,
  PlannedCompensation,
  RunFilter,
  RunPage,
  RunRecord,
  RunStatus,
  RunWaits,
  SignalRecord,
  StepRetryRecord,
  StoredError,
} from './records.js';
import type { StartControl } from './flow-control.js';
import type { AuditEntry } from './activity.js';

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
  /**
   * Assigns the run in the approval inbox when the op applies, replacing an earlier claim (an
   * escalation's reassign stage: the inbox shows the task as the new assignee's). The shape of
   * InboxClaim (inbox.ts).
   */
  inboxClaim?: { runId: string; assignee: string; claimedBy: string; claimedAt: number };
}

export type WriteResult =
  | { ok: true; /** A suspend found its wake condition already met: the run is ready again. */ woken?: boolean }
  | { ok: false; reason: 'leaseLost' | 'exists' | 'conflict' };

/**
 * How a run ended, exactly as its committed row now reads: the status, the encoded output of a
 * completed run, the stored error of a failed or cancelled one, and the run it continued as.
 */
export interface RunOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  output?: string;
  error?: StoredError;
  continuedTo?: string;
}

/**
 * What a committed change did, for listeners in this process. Hints are delivered only after the
 * change is committed; a lost hint costs latency, never a run.
 */
export type StoreHint =
  | { type: 'ready'; runId: string }
  | {
      type: 'finished';
      /** '*': some runs ended, too many to name one by one (look again). */
      runId: string;
      status: RunStatus;
      /**
       * The end as committed, when the committing store knows all of it (the op that ended the run
       * held its output or error), so a waiting `result()` needs no read. Absent on hints from other
       * processes, and on ends the store did not write in full (a cancel keeping an earlier error).
       */
      outcome?: RunOutcome;
    }
  | { type: 'cancelRequested'; runId: string; reason?: StoredError }
  | { type: 'signal'; runId: string; signal: SignalRecord };

/**
 * A run's move to another version of its workflow, as a compare-and-set on what a replay check read:
 * the store moves it only if nothing has changed since.
 */
export interface VersionMove {
  runId: string;
  /** The version the run must still be pinned to. */
  fromVersion: string;
  toVersion: string;
  /** What the check saw: the run's `updatedAt`, and its journal's length and highest position (0 when empty). */
  seen: { updatedAt: number; journalLength: number; lastSeq: number };
}

/**
 * Why a move did not happen: no such run; the run ended; a live execution holds it (running); it is no
 * longer pinned to `fromVersion`; or its row or journal changed since the check (check again).
 */
export type VersionMoveRefusal = 'notFound' | 'ended' | 'running' | 'version' | 'changed';

export type VersionMoveResult = { moved: true; run: RunRecord } | { moved: false; reason: VersionMoveRefusal };

/** Runs, journals, claims and leases, signals and cancels: what the engine and the client use on every run. */
export interface RunStore {
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

  /**
   * Moves a run to another version of its workflow, in one transaction with its audit entry: only at a
   * suspension point (the run is waiting, or queued and held by no lease), only if it is still pinned
   * to `move.fromVersion`, and only if its `updatedAt` and journal (length, highest position) are
   * exactly what `move.seen` says. Otherwise nothing is written (not even the audit entry) and the
   * reason is returned. A moved queued run is announced ready, so engines that have the new version
   * claim it; a waiting one keeps waiting for what it waited for.
   */
  moveRunVersion(move: VersionMove, now: number, audit?: AuditEntry): Promise<VersionMoveResult>;

  /** Local change hints (only when `capabilities.localNotifications`). Returns an unsubscribe function. */
  subscribe(listener: (hint: StoreHint) => void): () => void;
}
