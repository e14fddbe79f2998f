/** What both stores share for failed-run reviews: the rows, their mapping, and the rule for resolving. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { FailureWorkflowSetting, RunReview } from './review-store.js';

export interface RunReviewRow {
  run_id: string;
  failure_claim: number | string;
  note: string | null;
  resolved_by: string | null;
  resolved_at: number | string;
}

export interface FailureWorkflowRow {
  namespace: string;
  workflow: string;
  updated_at: number | string;
}

export function toRunReview(row: RunReviewRow): RunReview {
  const review: RunReview = { runId: row.run_id, failureClaim: Number(row.failure_claim), resolvedAt: Number(row.resolved_at) };
  if (row.note !== null) review.note = row.note;
  if (row.resolved_by !== null) review.resolvedBy = row.resolved_by;
  return review;
}

export function toFailureWorkflow(row: FailureWorkflowRow): FailureWorkflowSetting {
  return { namespace: row.namespace, workflow: row.workflow, updatedAt: Number(row.updated_at) };
}

/** Throws unless the run is failed: only a failure can be marked resolved. Returns the claim (execution) that failed. */
export function assertResolvable(runId: string, run: { status: string; claims: number | string }): number {
  if (run.status !== 'failed') {
    throw new BatonError(ErrorCode.RunNotFailed, `Run ${runId} is ${run.status}; only failed runs can be marked resolved.`, { runId, retryable: false });
  }
  return Number(run.claims);
}
