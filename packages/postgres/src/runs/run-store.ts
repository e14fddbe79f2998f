/**
 * Runs on PostgreSQL (RunStore): creating and reading runs, claims (FOR UPDATE SKIP LOCKED), leases,
 * the group commit (one `apply_batch` statement, per-op savepoints when a constraint breaks), signals,
 * cancels, requeues and moves to another version. Journal writes are fenced by the run's lease token under the run's row lock.
 */
import {
  ErrorCode,
  isTerminalStatus,
  type AuditEntry,
  type JournalEntry,
  type NewRun,
  type RunFilter,
  type RunPage,
  type RunRecord,
  type SignalRecord,
  type StartControl,
  type StoredError,
} from '@baton/core';
import {
  auditValues,
  encodeRunCursor,
  endsRun,
  errorText,
  runEnded,
  runNotFound,
  toChild,
  toJournalEntry,
  toRunRecord,
  toSignal,
  toStepRetry,
  type ClaimRequest,
  type ClaimedRun,
  type JournalRow,
  type Lease,
  type LeaseStatus,
  type RunRow,
  type RunStore,
  type StoreHint,
  type VersionMove,
  type VersionMoveResult,
  type WorkflowRef,
  type WriteOp,
  type WriteResult,
} from '@baton/core/store-kit';
import type { PostgresConnection } from '../connection/connection.js';
import { isConstraintError, storeError } from '../connection/store-errors.js';
import { auditIfAny } from '../access/activity.js';
import { writeAudit } from '../access/audit-writes.js';
import { UPSERT_CLAIM } from '../insight/inbox-queries.js';
import { applyBatch } from './apply-batch.js';
import { INSERT_QUEUED, applyWrite, queuedRunValues, releaseHeld, storeSignal, wakeParent } from './apply-write.js';
import { claimQuery } from './claim-runs.js';
import { coalesce } from './coalesced-start.js';
import { claimAdmitted } from './flow-control-claim.js';
import { EXPIRE_LEASES, LEASE_OWNERS } from './lease-recovery.js';
import { listRunsQuery } from './list-runs.js';
import { requeueRun } from './requeue.js';
import { moveVersion } from './version-move.js';
import {
  CANCEL_QUEUED,
  CLAIMED_STATE,
  NEXT_WAKE_AT,
  RENEW_LEASES,
  REQUEST_CANCEL,
  SELECT_JOURNAL,
  SELECT_RUN,
  SELECT_SIGNALS,
  lockRun,
  type ClaimedState,
} from './run-queries.js';

export class PostgresRunStore implements RunStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async createRun(run: NewRun, now: number, control?: StartControl, audit?: AuditEntry): Promise<{ run: RunRecord; created: boolean }> {
    if (control !== undefined) return this.#createCoalesced(run, now, control, audit);
    // One statement: the insert, its audit entry, and the notice that a run is ready (sent at its commit).
    const created = (
      await this.#db.query<RunRow>(
        `WITH ins AS (${INSERT_QUEUED} RETURNING *)${audit === undefined ? '' : `, audited AS (${auditIfAny('ins', 18)})`}
         SELECT ins.*, CASE WHEN $17::text IS NOT NULL THEN pg_notify($17, 'ready') END AS notified FROM ins`,
        [...queuedRunValues(run, now), this.#db.noticeChannel ?? null, ...(audit === undefined ? [] : auditValues(audit))],
      )
    ).rows[0];
    if (created !== undefined) {
      this.#db.notify([{ type: 'ready', runId: run.id }]);
      return { run: toRunRecord(created), created: true };
    }
    const existing = await this.getRun(run.id);
    // Only a concurrent delete of the run could leave nothing here; its creator will have been told.
    if (existing === undefined) throw runNotFound(run.id);
    return { run: existing, created: false };
  }

  /** A debounced or throttled start: coalesced into the pending or current run of its key, or a new run. */
  async #createCoalesced(run: NewRun, now: number, control: StartControl, audit: AuditEntry | undefined): Promise<{ run: RunRecord; created: boolean }> {
    return this.#db.transaction(async (db, hints) => {
      const result = await coalesce(db, hints, run, now, control);
      if (result.created) await writeAudit(db, audit);
      return result;
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = (await this.#db.query<RunRow>(SELECT_RUN, [id])).rows[0];
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    const { sql, params, limit } = listRunsQuery(filter);
    const rows = (await this.#db.query<RunRow>(sql, params)).rows;
    const page: RunPage = { runs: rows.slice(0, limit).map(toRunRecord) };
    if (rows.length > limit) {
      const last = rows[limit - 1]!;
      page.nextCursor = encodeRunCursor(last.created_at, last.id);
    }
    return page;
  }

  async getJournal(runId: string): Promise<JournalEntry[]> {
    return (await this.#db.query<JournalRow>(SELECT_JOURNAL, [runId])).rows.map(toJournalEntry);
  }

  async getSignals(runId: string, options: { includeConsumed?: boolean } = {}): Promise<(SignalRecord & { consumed: boolean })[]> {
    const rows = (
      await this.#db.query<{ id: number; run_id: string; name: string; payload: string; created_at: number; consumed: number }>(SELECT_SIGNALS, [runId])
    ).rows;
    return rows.filter((r) => options.includeConsumed === true || r.consumed === 0).map((r) => ({ ...toSignal(r), consumed: r.consumed === 1 }));
  }

  async claimRuns(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (request.workflows.length === 0 || request.limit <= 0) return [];
    const { sql, params } = claimQuery(request.workflows, request.owner, request.now, request.leaseMs, request.limit, request.queues);
    // The claim is one statement and commits alone. What the engine needs to replay the runs is read
    // after it, in one statement, so in one snapshot: every write of an earlier lease holder is
    // either committed by then or fenced out by the new tokens.
    const rows = (await this.#db.query<RunRow & { picked_ready_at: number }>(sql, params)).rows;
    // RETURNING keeps no order: claims go out by priority, then by how long they have been ready.
    rows.sort((a, b) => b.priority - a.priority || a.picked_ready_at - b.picked_ready_at || (a.id < b.id ? -1 : 1));
    if (request.flowControl === true && rows.length < request.limit) rows.push(...(await claimAdmitted(this.#db, request, request.limit - rows.length)));
    if (rows.length === 0) return [];
    const state = new Map((await this.#db.query<ClaimedState>(CLAIMED_STATE, [rows.map((r) => r.id)])).rows.map((r) => [r.id, r]));
    return rows.map((row) => {
      const s = state.get(row.id)!;
      return {
        run: toRunRecord(row),
        leaseToken: row.lease_token!,
        journal: s.journal.map(toJournalEntry),
        signals: s.signals.map(toSignal),
        signalHorizon: s.horizon,
        stepRetries: s.retries.map(toStepRetry),
        children: s.children.map(toChild),
      };
    });
  }

  async renewLeases(_owner: string, leases: Lease[], now: number, leaseMs: number): Promise<LeaseStatus[]> {
    if (leases.length === 0) return [];
    const result = await this.#db.query<{ id: string; cancel_requested: number }>(RENEW_LEASES, [
      leases.map((l) => l.runId),
      leases.map((l) => l.token),
      now + leaseMs,
    ]);
    const held = new Map(result.rows.map((r) => [r.id, r.cancel_requested === 1]));
    return leases.map((l) => ({ runId: l.runId, held: held.has(l.runId), cancelRequested: held.get(l.runId) === true }));
  }

  async leaseOwners(now: number): Promise<string[]> {
    return (await this.#db.query<{ owner: string }>(LEASE_OWNERS, [now])).rows.map((r) => r.owner);
  }

  async expireLeases(owner: string, now: number): Promise<string[]> {
    return (await this.#db.query<{ id: string }>(EXPIRE_LEASES, [now, owner])).rows.map((r) => r.id);
  }

  async commit(ops: WriteOp[], now: number): Promise<WriteResult[]> {
    this.#db.assertInitialized();
    // The ends this commit writes reach this process's listeners as local hints, with their outcome.
    const ending = ops.flatMap((op) => (op.transition !== undefined && endsRun(op.transition) ? [op.runId] : []));
    if (ending.length === 0) return this.#commit(ops, now);
    this.#db.expectEnds(ending);
    try {
      return await this.#commit(ops, now);
    } finally {
      this.#db.settleEnds(ending);
    }
  }

  async #commit(ops: WriteOp[], now: number): Promise<WriteResult[]> {
    // Fast path: the whole batch in one statement, so one round trip and one WAL flush.
    const hints: StoreHint[] = [];
    try {
      const results = await applyBatch(this.#db.pool, ops, now, this.#db.noticeChannel, hints);
      this.#db.notify(hints);
      return results;
    } catch (error) {
      if (!isConstraintError(error)) throw storeError('commit', error);
    }
    // An op broke a constraint (a position written twice): each op gets a savepoint of its own.
    return this.#db.transaction(async (db, hints) => {
      const results: WriteResult[] = [];
      for (const op of ops) {
        const opHints: StoreHint[] = [];
        await db.query('SAVEPOINT op');
        try {
          const result = await applyWrite(db, op, now, opHints);
          if (result.ok) await writeAudit(db, op.audit);
          const claim = op.inboxClaim;
          if (result.ok && claim !== undefined) await db.query(UPSERT_CLAIM, [claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt]);
          results.push(result);
          await db.query('RELEASE SAVEPOINT op');
          hints.push(...opHints);
        } catch (error) {
          await db.query('ROLLBACK TO SAVEPOINT op');
          if (!isConstraintError(error)) throw error;
          results.push({ ok: false, reason: 'conflict' });
        }
      }
      return results;
    });
  }

  async nextWakeAt(_workflows: WorkflowRef[], now: number): Promise<number | undefined> {
    // Due runs a limit holds back are left out (a freed slot announces itself); queued runs due later count.
    const row = (await this.#db.query<{ at: number | null }>(NEXT_WAKE_AT, [now])).rows[0];
    return row?.at ?? undefined;
  }

  async sendSignal(runId: string, name: string, payload: string, now: number, audit?: AuditEntry): Promise<SignalRecord> {
    return this.#db.transaction(async (db, hints) => {
      // The row lock orders this signal against a suspend of the same run: one of them sees the other.
      const run = await lockRun(db, runId);
      if (isTerminalStatus(run.status as RunRecord['status'])) {
        throw runEnded(runId, run.status, { signal: name });
      }
      await writeAudit(db, audit);
      return storeSignal(db, runId, name, payload, now, hints);
    });
  }

  async requestCancel(runId: string, now: number, reason?: StoredError, audit?: AuditEntry): Promise<RunRecord> {
    return this.#db.transaction(async (db, hints) => {
      const run = await lockRun(db, runId);
      if (isTerminalStatus(run.status as RunRecord['status'])) {
        throw runEnded(runId, run.status, 'cancel');
      }
      const error = errorText(reason ?? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${runId} was cancelled.` });
      if (run.status === 'queued' && run.claims === 0) {
        await db.query(CANCEL_QUEUED, [runId, error, now]);
        hints.push({ type: 'finished', runId, status: 'cancelled' });
        await releaseHeld(db, runId, now, hints);
        if (run.parent_id !== null && (await wakeParent(db, run.parent_id, runId, now))) hints.push({ type: 'ready', runId: run.parent_id });
      } else if (run.cancel_requested === 0) {
        await db.query(REQUEST_CANCEL, [runId, error, now]);
        hints.push({ type: 'cancelRequested', runId, ...(reason === undefined ? {} : { reason }) }, { type: 'ready', runId });
      }
      await writeAudit(db, audit);
      return toRunRecord((await db.query<RunRow>(SELECT_RUN, [runId])).rows[0]!);
    });
  }

  async requeue(runId: string, mode: 'retry' | 'resume', now: number, audit?: AuditEntry): Promise<RunRecord> {
    return this.#db.transaction((db, hints) => requeueRun(db, hints, runId, mode, now, audit));
  }

  async moveRunVersion(move: VersionMove, now: number, audit?: AuditEntry): Promise<VersionMoveResult> {
    return this.#db.transaction((db, hints) => moveVersion(db, hints, move, now, audit));
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    return this.#db.subscribe(listener);
  }
}
