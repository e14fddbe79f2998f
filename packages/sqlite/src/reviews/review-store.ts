/** Failed-run reviews and namespaces' failure workflows on SQLite (ReviewStore). */
import type { AuditEntry, FailureWorkflowSetting, RunReview } from '@baton/core';
import { assertResolvable, toFailureWorkflow, toRunReview, type FailureWorkflowRow, type ReviewStore, type RunReviewRow } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';

const UPSERT_REVIEW = `INSERT INTO run_reviews (run_id, failure_claim, note, resolved_by, resolved_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (run_id) DO UPDATE SET failure_claim = excluded.failure_claim, note = excluded.note,
    resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at RETURNING *`;
const CURRENT_REVIEW = `SELECT v.* FROM run_reviews v JOIN runs r ON r.id = v.run_id
  WHERE v.run_id = ? AND r.status = 'failed' AND r.claims = v.failure_claim`;
const UPSERT_SETTING = `INSERT INTO failure_workflows (namespace, workflow, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (namespace) DO UPDATE SET workflow = excluded.workflow, updated_at = excluded.updated_at RETURNING *`;

export class SqliteReviewStore implements ReviewStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async resolveRun(runId: string, resolution: { note?: string; resolvedBy?: string }, now: number, audit?: AuditEntry): Promise<RunReview> {
    this.#conn.ensureInitialized();
    return this.#conn.write(() => {
      const failedClaim = assertResolvable(runId, this.#conn.existing(runId));
      const row = this.#conn.db.prepare(UPSERT_REVIEW).get(runId, failedClaim, resolution.note ?? null, resolution.resolvedBy ?? null, now) as RunReviewRow;
      writeAudit(this.#conn.statements, audit);
      return toRunReview(row);
    });
  }

  async getRunReview(runId: string): Promise<RunReview | undefined> {
    this.#conn.ensureInitialized();
    const row = this.#conn.db.prepare(CURRENT_REVIEW).get(runId) as RunReviewRow | undefined;
    return row === undefined ? undefined : toRunReview(row);
  }

  async setFailureWorkflow(namespace: string, workflow: string | undefined, now: number, audit?: AuditEntry): Promise<FailureWorkflowSetting | undefined> {
    this.#conn.ensureInitialized();
    return this.#conn.write(() => {
      let setting: FailureWorkflowSetting | undefined;
      if (workflow === undefined) this.#conn.db.prepare('DELETE FROM failure_workflows WHERE namespace = ?').run(namespace);
      else setting = toFailureWorkflow(this.#conn.db.prepare(UPSERT_SETTING).get(namespace, workflow, now) as FailureWorkflowRow);
      writeAudit(this.#conn.statements, audit);
      return setting;
    });
  }

  async getFailureWorkflow(namespace: string): Promise<FailureWorkflowSetting | undefined> {
    this.#conn.ensureInitialized();
    const row = this.#conn.db.prepare('SELECT * FROM failure_workflows WHERE namespace = ?').get(namespace) as FailureWorkflowRow | undefined;
    return row === undefined ? undefined : toFailureWorkflow(row);
  }

  async listFailureWorkflows(): Promise<FailureWorkflowSetting[]> {
    this.#conn.ensureInitialized();
    return (this.#conn.db.prepare('SELECT * FROM failure_workflows ORDER BY namespace').all() as FailureWorkflowRow[]).map(toFailureWorkflow);
  }
}
