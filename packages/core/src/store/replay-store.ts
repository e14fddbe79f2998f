/**
 * Replay checks: what a process holding candidate code (the `baton replay` CLI, a worker with a new
 * module) found when it replayed runs' journals against that code. The server never has the code, so
 * it only keeps the reports: one check per report, with its candidate, who sent it, when, its counts,
 * and one result per run. The store keeps the latest MAX_REPLAY_CHECKS_PER_RUN results of each run;
 * older ones are pruned in the transaction that adds a new one, and a check left with no result goes too.
 */
import type { AuditEntry } from './activity.js';
import type { ReplayResult } from '../replay/replay-result.js';

/** How many checks a run's results are kept for (the latest ones). */
export const MAX_REPLAY_CHECKS_PER_RUN = 20;

/** How many runs one report may hold. */
export const MAX_REPLAY_RESULTS = 1000;

/** The counts of a check. */
export interface ReplaySummary {
  runs: number;
  ok: number;
  diverged: number;
}

/** A report to keep, as the client has checked it. */
export interface NewReplayCheck {
  /** Unique, chosen by the caller (a time-ordered id). */
  id: string;
  /** What code was checked: a commit, a build or a release name. */
  candidate: string;
  /** Who reported it: an API key id, or a name such as 'cli'. */
  by: string;
  /** When given, runs of another namespace count as unknown. */
  namespace?: string;
  /** One per run, each run at most once. */
  results: ReplayResult[];
}

/** Who checked what, when, and the counts: a check without its results. */
export interface ReplayCheckInfo {
  id: string;
  candidate: string;
  by: string;
  namespace: string;
  checkedAt: number;
  summary: ReplaySummary;
}

/** A check with the results it still has (each run's results beyond its latest checks are pruned). */
export interface ReplayCheckRecord extends ReplayCheckInfo {
  /** In the order they were reported. */
  results: ReplayResult[];
}

/** One run's result in one check. */
export interface RunReplayRecord {
  check: ReplayCheckInfo;
  result: ReplayResult;
}

export interface ReplayStore {
  /**
   * Keeps a check and its results in one transaction with `audit`, and prunes each of its runs'
   * results down to the latest MAX_REPLAY_CHECKS_PER_RUN (by `now`, then by order of recording).
   * A run id no run has (or, with `namespace`, no run of that namespace has) throws
   * BATON_RUN_NOT_FOUND and writes nothing. The caller has checked sizes, texts and duplicates.
   */
  recordReplays(check: NewReplayCheck, now: number, audit?: AuditEntry): Promise<ReplayCheckInfo>;
  /** A check with its remaining results, or undefined. */
  getReplayCheck(id: string): Promise<ReplayCheckRecord | undefined>;
  /** One run's results, latest check first (at most MAX_REPLAY_CHECKS_PER_RUN, or `limit`). */
  listReplays(runId: string, limit?: number): Promise<RunReplayRecord[]>;
}
