/**
 * The failed-run review part of the storage seam: failed runs someone has looked at and marked
 * resolved, and each namespace's failure workflow (the workflow started when one of its runs fails
 * for good). A resolution holds for one failure: it names the execution (claim) that failed,
 * so a run that is retried and fails again is back in the review queue without anyone clearing it.
 */
import type { AuditEntry } from './activity.js';

/** A failed run marked resolved. */
export interface RunReview {
  runId: string;
  /** The failure this resolution is for: the run's `claims` when it failed (each execution is a claim). */
  failureClaim: number;
  note?: string;
  /** Who resolved it (an API key id, or a name such as 'cli'). */
  resolvedBy?: string;
  resolvedAt: number;
}

/** The workflow started with each failure of a namespace's runs. */
export interface FailureWorkflowSetting {
  namespace: string;
  workflow: string;
  updatedAt: number;
}

export interface ReviewStore {
  /**
   * Marks the run's current failure resolved (replacing an earlier resolution), with its audit entry,
   * in one transaction. Throws RUN_NOT_FOUND, or RUN_NOT_FAILED for a run that is not failed.
   */
  resolveRun(runId: string, resolution: { note?: string; resolvedBy?: string }, now: number, audit?: AuditEntry): Promise<RunReview>;
  /** The resolution of the run's current failure, if it is failed and resolved. */
  getRunReview(runId: string): Promise<RunReview | undefined>;
  /** Sets (or, with `workflow` undefined, clears) a namespace's failure workflow, with its audit entry. */
  setFailureWorkflow(namespace: string, workflow: string | undefined, now: number, audit?: AuditEntry): Promise<FailureWorkflowSetting | undefined>;
  getFailureWorkflow(namespace: string): Promise<FailureWorkflowSetting | undefined>;
  /** Every namespace's setting, by namespace. */
  listFailureWorkflows(): Promise<FailureWorkflowSetting[]>;
}
