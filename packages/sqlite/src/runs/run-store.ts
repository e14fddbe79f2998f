/**
 * The runs on SQLite: creating and reading runs, claiming them, their leases, the group commit of
 * journal writes (fenced by the lease), signals, cancels, requeues and moves to another version.
 */
import {
  BatonError,
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
  assertRequeueable,
  encodeRunCursor,
  errorText,
  runEnded,
  toJournalEntry,
  toRunRecord,
  toSignal,
  type ClaimRequest,
  type ClaimedRun,
  type FlowCandidateRow,
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
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import type { Statements } from '../connection/statements.js';
import { writeAudit } from '../access/write-audit.js';
import { admitCandidates } from '../flow-control/admission.js';
import { applyAudited, insertQueuedRun, releaseHeld, runParams, storeSignal } from './apply-write.js';
import { claimStatement, limitedCandidatesStatement } from './claim-runs.js';
import { ClaimStatements, claimRun } from './run-claims.js';
import { listRunsQuery } from './list-runs.js';
import { EXPIRE_LEASES, LEASE_OWNERS } from './lease-recovery.js';
import { moveVersion } from './version-move.js';

export class SqliteRunStore implements RunStore {
  readonly #conn: SqliteConnection;
  readonly #claims: ClaimStatements;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
    this.#claims = new ClaimStatements(conn.db);
  }

  async createRun(run: NewRun, now: number, control?: StartControl, audit?: AuditEntry): Promise<{ run: RunRecord; created: boolean }> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const result = this.#createRun(s, run, now, control, hints);
      if (result.created) writeAudit(s, audit);
      return result;
    });
  }

  #createRun(s: Statements, run: NewRun, now: number, control: StartControl | undefined, hints: StoreHint[]): { run: RunRecord; created: boolean } {
    if (control?.debounce !== undefined) {
      const { key, delayMs, maxWaitMs } = control.debounce;
      s.debounceRun.run({ ...runParams(run, now), debounceKey: key, readyAt: now + delayMs, maxWaitMs: maxWaitMs ?? null });
      const pending = s.pendingDebounced.get(key) as RunRow;
      hints.push({ type: 'ready', runId: pending.id });
      return { run: toRunRecord(pending), created: pending.id === run.id };
    }
    if (control?.throttle !== undefined) {
      const { key, periodMs } = control.throttle;
      if (s.takeThrottle.get({ key, id: run.id, until: now + periodMs, now }) === undefined) {
        // Another run holds this period: the start returns it.
        const { run_id } = s.throttleRun.get(key) as { run_id: string };
        const existing = s.getRun.get(run_id) as RunRow | undefined;
        if (existing !== undefined) return { run: toRunRecord(existing), created: false };
      }
    }
    const created = insertQueuedRun(s, run, now);
    if (created) hints.push({ type: 'ready', runId: run.id });
    return { run: toRunRecord(s.getRun.get(run.id) as RunRow), created };
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.#conn.statements.getRun.get(id) as RunRow | undefined;
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    this.#conn.ensureInitialized();
    const { sql, params, limit } = listRunsQuery(filter, filter.search === undefined ? 'scan' : this.#conn.search.plan(filter.search));
    const rows = this.#conn.db.prepare(sql).all(params) as RunRow[];
    const page: RunPage = { runs: rows.slice(0, limit).map(toRunRecord) };
    if (rows.length > limit) {
      const last = rows[limit - 1]!;
      page.nextCursor = encodeRunCursor(last.created_at, last.id);
    }
    return page;
  }

  async getJournal(runId: string): Promise<JournalEntry[]> {
    return (this.#conn.statements.getJournal.all(runId) as JournalRow[]).map(toJournalEntry);
  }

  async getSignals(runId: string, options: { includeConsumed?: boolean } = {}): Promise<(SignalRecord & { consumed: boolean })[]> {
    const rows = this.#conn.statements.allSignals.all(runId) as {
      id: number;
      run_id: string;
      name: string;
      payload: string;
      created_at: number;
      consumed: number;
    }[];
    return rows.filter((r) => options.includeConsumed === true || r.consumed === 0).map((r) => ({ ...toSignal(r), consumed: r.consumed === 1 }));
  }

  async claimRuns(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (request.workflows.length === 0 || request.limit <= 0) return [];
    const { statement, filter } = this.#claims.get('claim', request, claimStatement);
    const due = (): { id: string; workflow: string }[] => {
      const rows = statement.all({ ...filter.params, now: request.now, limit: request.limit }) as {
        id: string;
        workflow: string;
        priority: number;
        ready_at: number;
      }[];
      return rows.sort((a, b) => b.priority - a.priority || a.ready_at - b.ready_at).slice(0, request.limit);
    };
    const limited = request.flowControl === true ? this.#claims.get('limited', request, limitedCandidatesStatement) : undefined;
    const candidates = (): FlowCandidateRow[] =>
      limited === undefined
        ? []
        : (limited.statement.all({ ...limited.filter.params, now: request.now, scan: Math.max(100, request.limit * 4) }) as FlowCandidateRow[]);
    // Look first without the write lock: an idle poll costs no lock (and no wait on other processes).
    if (due().length === 0 && candidates().length === 0) return [];
    return this.#conn.write(() => {
      const picked: { id: string; workflow: string }[] = due();
      if (limited !== undefined && picked.length < request.limit)
        picked.push(...admitCandidates(this.#conn, candidates(), request, request.limit - picked.length));
      return picked.map((row) => claimRun(this.#conn.statements, row, request, filter.current));
    });
  }

  async renewLeases(_owner: string, leases: Lease[], now: number, leaseMs: number): Promise<LeaseStatus[]> {
    const s = this.#conn.statements;
    return this.#conn.write(() =>
      leases.map((lease) => {
        const row = s.renewLease.get({ id: lease.runId, token: lease.token, expiresAt: now + leaseMs }) as { cancel_requested: number } | undefined;
        return { runId: lease.runId, held: row !== undefined, cancelRequested: row?.cancel_requested === 1 };
      }),
    );
  }

  async leaseOwners(now: number): Promise<string[]> {
    return (this.#conn.db.prepare(LEASE_OWNERS).all({ now }) as { owner: string }[]).map((r) => r.owner);
  }

  async expireLeases(owner: string, now: number): Promise<string[]> {
    return this.#conn.write(() => (this.#conn.db.prepare(EXPIRE_LEASES).all({ owner, now }) as { id: string }[]).map((r) => r.id));
  }

  async commit(ops: WriteOp[], now: number): Promise<WriteResult[]> {
    const s = this.#conn.statements;
    try {
      // Fast path: the whole batch in one transaction. Ops refused by fencing change nothing.
      return this.#conn.write((hints) => ops.map((op) => applyAudited(s, op, now, hints)));
    } catch (error) {
      if (!isConstraintError(error)) throw storeError('commit', error);
    }
    try {
      // An op broke a constraint (a position written twice): apply each op in a savepoint of its
      // own, so only that op is refused.
      return this.#conn.write((hints) =>
        ops.map((op) => {
          const opHints: StoreHint[] = [];
          try {
            const result = this.#conn.savepoint(() => applyAudited(s, op, now, opHints)) as WriteResult;
            hints.push(...opHints);
            return result;
          } catch (error) {
            if (isConstraintError(error)) return { ok: false, reason: 'conflict' } as const;
            throw error;
          }
        }),
      );
    } catch (cause) {
      throw storeError('commit', cause);
    }
  }

  async nextWakeAt(_workflows: WorkflowRef[], now: number): Promise<number | undefined> {
    const row = this.#conn.statements.nextWakeAt.get({ now }) as { at: number | null };
    return row.at ?? undefined;
  }

  async sendSignal(runId: string, name: string, payload: string, now: number, audit?: AuditEntry): Promise<SignalRecord> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const row = this.#conn.existing(runId);
      if (isTerminalStatus(row.status as RunRecord['status'])) {
        throw runEnded(runId, row.status, { signal: name });
      }
      writeAudit(s, audit);
      return storeSignal(s, runId, name, payload, now, hints);
    });
  }

  async requestCancel(runId: string, now: number, reason?: StoredError, audit?: AuditEntry): Promise<RunRecord> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const row = this.#conn.existing(runId);
      if (isTerminalStatus(row.status as RunRecord['status'])) {
        throw runEnded(runId, row.status, 'cancel');
      }
      const error = errorText(reason ?? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${runId} was cancelled.` });
      if (row.status === 'queued' && row.claims === 0) {
        s.cancelQueued.run({ id: runId, error, now });
        releaseHeld(s, runId, now, hints);
        hints.push({ type: 'finished', runId, status: 'cancelled' });
        if (row.parent_id !== null && s.wakeParent.run({ parentId: row.parent_id, childId: runId, now }).changes > 0)
          hints.push({ type: 'ready', runId: row.parent_id });
      } else if (row.cancel_requested === 0) {
        s.flagCancel.run({ id: runId, error, now });
        hints.push({ type: 'cancelRequested', runId, ...(reason === undefined ? {} : { reason }) }, { type: 'ready', runId });
      }
      writeAudit(s, audit);
      return toRunRecord(s.getRun.get(runId) as RunRow);
    });
  }

  async requeue(runId: string, mode: 'retry' | 'resume', now: number, audit?: AuditEntry): Promise<RunRecord> {
    const s = this.#conn.statements;
    return this.#conn.write((hints) => {
      const row = this.#conn.existing(runId);
      assertRequeueable(runId, row, mode);
      const requeueTree = (id: string): void => {
        if (mode === 'retry') {
          for (const { seq } of s.failedChildEntries.all(id) as { seq: number }[]) {
            for (const child of s.failedChildren.all(id, seq) as { id: string }[]) {
              const childRow = s.getRun.get(child.id) as RunRow;
              if (childRow.phase !== 'compensating') requeueTree(child.id);
            }
          }
          s.setAsideFailed.run(now, id);
          s.deleteFailed.run(id);
          s.deleteStepRetries.run(id);
        }
        s.requeue.run({ id, now });
        hints.push({ type: 'ready', runId: id });
      };
      requeueTree(runId);
      writeAudit(s, audit);
      return toRunRecord(s.getRun.get(runId) as RunRow);
    });
  }

  async moveRunVersion(move: VersionMove, now: number, audit?: AuditEntry): Promise<VersionMoveResult> {
    return this.#conn.write((hints) => moveVersion(this.#conn.statements, move, now, audit, hints));
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    return this.#conn.subscribe(listener);
  }
}

function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

function storeError(what: string, cause: unknown): BatonError {
  const code = (cause as { code?: unknown }).code;
  const retryable = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_IOERR';
  return new BatonError(ErrorCode.StoreError, `SQLite ${what} failed: ${(cause as Error).message}`, { cause, retryable });
}
