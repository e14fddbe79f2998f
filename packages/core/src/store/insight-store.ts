/**
 * The read side for people and operators: the overview of a window, metrics counts, and the inbox of
 * runs waiting for a person (with its claims, the one write here).
 */
import type { Overview, OverviewFilter } from './overview.js';
import type { InboxClaim, InboxFilter, InboxPage } from './inbox.js';
import type { AuditEntry } from './activity.js';
import type { StoreStats } from './store-stats.js';

export interface OverviewStore {
  /**
   * The overview of a window (see overview.ts): runs started and ended per time bucket, per-workflow
   * counts and duration percentiles, queued runs per queue, runs waiting for people, and LLM cost and
   * tokens. Computed with aggregates in the database; read-only. Throws BATON_INVALID_ARGUMENT for a
   * window of no bucket or of more than OVERVIEW_MAX_BUCKETS.
   */
  overview(filter: OverviewFilter): Promise<Overview>;

  /**
   * Counts of runs by what they wait for, read at `now` (for metrics): queued runs per queue with the
   * oldest ones' times, running, waiting, waiting for a signal, and running with an expired lease.
   * Read-only; it may scan the queued and waiting runs, so call it at scrape pace, not per run.
   */
  stats(now: number): Promise<StoreStats>;
}

export interface InboxStore {
  /** Runs waiting for a signal a person sends (see inbox.ts), oldest wait first, with their claims. */
  listInbox(filter: InboxFilter): Promise<InboxPage>;
  /**
   * Claims a run waiting for a person's signal for `claim.assignee`, replacing an earlier claim.
   * Throws RUN_NOT_FOUND, or RUN_NOT_WAITING when the run waits for no person's signal now.
   */
  claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim>;
  /** Drops a run's claim; false (and no audit entry written) when it had none. */
  releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean>;
}
