/**
 * Claiming runs on SQLite: the claim statements, prepared once per set of workflows and queues an
 * engine serves, and one run's claim with everything its replay reads.
 */
import type Database from 'better-sqlite3';
import {
  toChild,
  toJournalEntry,
  toRunRecord,
  toSignal,
  toStepRetry,
  type ClaimRequest,
  type ClaimedRun,
  type JournalRow,
  type RunRow,
  type WorkflowRef,
} from '@baton/core/store-kit';
import type { Statements } from '../connection/statements.js';
import type { ClaimFilter } from './claim-runs.js';

export interface ClaimStatement {
  statement: Database.Statement;
  filter: ClaimFilter;
}

/** The claim statements built so far, by kind, workflows and queues. */
export class ClaimStatements {
  readonly #db: Database.Database;
  readonly #claimStatements = new Map<string, ClaimStatement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get(kind: string, request: ClaimRequest, build: (refs: WorkflowRef[], queues?: string[]) => { sql: string; filter: ClaimFilter }): ClaimStatement {
    const key = `${kind}\u0000${JSON.stringify(request.workflows)}\u0000${JSON.stringify(request.queues ?? null)}`;
    let cached = this.#claimStatements.get(key);
    if (cached === undefined) {
      const { sql, filter } = build(request.workflows, request.queues);
      cached = { statement: this.#db.prepare(sql), filter };
      if (this.#claimStatements.size > 100) this.#claimStatements.clear();
      this.#claimStatements.set(key, cached);
    }
    return cached;
  }
}

/** Takes the lease of one due run and reads what its replay needs; call inside the claim's write transaction. */
export function claimRun(s: Statements, row: { id: string; workflow: string }, request: ClaimRequest, current: Map<string, string>): ClaimedRun {
  const token = crypto.randomUUID();
  s.claimRun.run({
    id: row.id,
    owner: request.owner,
    token,
    expiresAt: request.now + request.leaseMs,
    now: request.now,
    currentVersion: current.get(row.workflow) ?? '',
  });
  return {
    run: toRunRecord(s.getRun.get(row.id) as RunRow),
    leaseToken: token,
    journal: (s.replayJournal.all(row.id) as JournalRow[]).map(toJournalEntry),
    signals: (s.unconsumedSignals.all(row.id) as Parameters<typeof toSignal>[0][]).map(toSignal),
    signalHorizon: (s.signalHorizon.get(row.id) as { horizon: number }).horizon,
    stepRetries: (s.getStepRetries.all(row.id) as Parameters<typeof toStepRetry>[0][]).map(toStepRetry),
    children: (s.children.all(row.id) as Parameters<typeof toChild>[0][]).map(toChild),
  };
}
