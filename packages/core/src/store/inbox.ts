/**
 * The approval inbox: runs waiting for a signal a person sends (a signal name not starting with `$`;
 * `$` names are Baton's own, such as event waits), and who has claimed each. A claim is kept until it
 * is released, so the person who took a run keeps it through its later waits.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { RunRecord, RunWaits } from './records.js';
import { toRunRecord, type RunRow } from './sql-rows.js';
import { encodeRunCursor } from './store-rules.js';

/** Who handles an inbox run. */
export interface InboxClaim {
  runId: string;
  /** The person (or team) the run is assigned to. */
  assignee: string;
  /** The actor (an API key id) that made the claim. */
  claimedBy: string;
  claimedAt: number;
}

export interface InboxFilter {
  /** Only this namespace's runs (every namespace's when absent). */
  namespace?: string;
  /** At most this many runs (1 to 1,000). */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface InboxItem {
  /** The waiting run; `waits.since` (or, for runs suspended before it was recorded, `updatedAt`) is when it began to wait. */
  run: RunRecord;
  claim?: InboxClaim;
}

export interface InboxPage {
  /** Oldest wait first (by when each began to wait, see `waitingSince`, then id). */
  items: InboxItem[];
  nextCursor?: string;
}

/** The signals of a wait that a person sends: names not starting with `$`. */
export function humanSignals(waits: RunWaits | undefined): string[] {
  return (waits?.signals ?? []).filter((name) => !name.startsWith('$'));
}

/** Throws BATON_RUN_NOT_WAITING unless the run waits for a person's signal now. */
export function assertWaitingForPerson(run: Pick<RunRecord, 'id' | 'status' | 'waits'>): void {
  if (run.status !== 'waiting' || humanSignals(run.waits).length === 0) {
    const what = run.status === 'waiting' ? 'waiting, but for no signal a person sends' : run.status;
    throw new BatonError(ErrorCode.RunNotWaiting, `Run ${run.id} is ${what}: only a run waiting for a person's signal can be claimed.`, {
      runId: run.id,
      retryable: false,
    });
  }
}

/** A row of the stores' inbox queries: the run's columns and its claim's (null when unclaimed). */
export type InboxRow = RunRow & { claim_assignee: string | null; claim_by: string | null; claim_at: number | string | null };

/** When a waiting run began to wait: `waits.since`, or its `updatedAt` when suspended before that was recorded. */
export function waitingSince(run: Pick<RunRecord, 'waits' | 'updatedAt'>): number {
  return run.waits?.since ?? run.updatedAt;
}

/** An inbox page from up to `limit + 1` rows (the extra one says there is a next page). */
export function toInboxPage(rows: InboxRow[], limit: number): InboxPage {
  const items = rows.slice(0, limit).map((row): InboxItem => {
    const run = toRunRecord(row);
    if (row.claim_assignee === null) return { run };
    return { run, claim: { runId: run.id, assignee: row.claim_assignee, claimedBy: row.claim_by ?? '', claimedAt: Number(row.claim_at) } };
  });
  const last = items[items.length - 1];
  return rows.length > limit && last !== undefined ? { items, nextCursor: encodeRunCursor(waitingSince(last.run), last.run.id) } : { items };
}
