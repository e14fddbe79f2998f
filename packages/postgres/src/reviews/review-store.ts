/** Failed-run reviews and namespaces' failure workflows on PostgreSQL (ReviewStore). */
import type { AuditEntry, FailureWorkflowSetting, RunReview } from '@baton/core';
import { assertResolvable, toFailureWorkflow, toRunReview, type FailureWorkflowRow, type ReviewStore, type RunReviewRow } from '@baton/core/store-kit';
import type { PostgresConnection } from '../connection/connection.js';
import { writeAudit } from '../access/audit-writes.js';
import { lockRun } from '../runs/run-queries.js';

const UPSERT_REVIEW = `INSERT INTO run_reviews (run_id, failure_claim, note, resolved_by, resolved_at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (run_id) DO UPDATE SET failure_claim = excluded.failure_claim, note = excluded.note,
    resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at RETURNING *`;
const CURRENT_REVIEW = `SELECT v.* FROM run_reviews v JOIN runs r ON r.id = v.run_id
  WHERE v.run_id = $1 AND r.status = 'failed' AND r.claims = v.failure_claim`;
const UPSERT_SETTING = `INSERT INTO failure_workflows (namespace, workflow, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (namespace) DO UPDATE SET workflow = excluded.workflow, updated_at = excluded.updated_at RETURNING *`;

export class PostgresReviews implements ReviewStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async resolveRun(runId: string, resolution: { note?: string; resolvedBy?: string }, now: number, audit?: AuditEntry): Promise<RunReview> {
    this.#db.assertInitialized();
    return this.#db.transaction(async (db) => {
      const failedClaim = assertResolvable(runId, await lockRun(db, runId));
      const row = (await db.query<RunReviewRow>(UPSERT_REVIEW, [runId, failedClaim, resolution.note ?? null, resolution.resolvedBy ?? null, now])).rows[0]!;
      await writeAudit(db, audit);
      return toRunReview(row);
    });
  }

  async getRunReview(runId: string): Promise<RunReview | undefined> {
    return this.#db.read(async (pool) => {
      const row = (await pool.query<RunReviewRow>(CURRENT_REVIEW, [runId])).rows[0];
      return row === undefined ? undefined : toRunReview(row);
    });
  }

  async setFailureWorkflow(namespace: string, workflow: string | undefined, now: number, audit?: AuditEntry): Promise<FailureWorkflowSetting | undefined> {
    this.#db.assertInitialized();
    return this.#db.transaction(async (db) => {
      let setting: FailureWorkflowSetting | undefined;
      if (workflow === undefined) await db.query('DELETE FROM failure_workflows WHERE namespace = $1', [namespace]);
      else setting = toFailureWorkflow((await db.query<FailureWorkflowRow>(UPSERT_SETTING, [namespace, workflow, now])).rows[0]!);
      await writeAudit(db, audit);
      return setting;
    });
  }

  async getFailureWorkflow(namespace: string): Promise<FailureWorkflowSetting | undefined> {
    return this.#db.read(async (pool) => {
      const row = (await pool.query<FailureWorkflowRow>('SELECT * FROM failure_workflows WHERE namespace = $1', [namespace])).rows[0];
      return row === undefined ? undefined : toFailureWorkflow(row);
    });
  }

  async listFailureWorkflows(): Promise<FailureWorkflowSetting[]> {
    return this.#db.read(async (pool) =>
      (await pool.query<FailureWorkflowRow>('SELECT * FROM failure_workflows ORDER BY namespace')).rows.map(toFailureWorkflow),
    );
  }
}
