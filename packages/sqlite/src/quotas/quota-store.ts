/**
 * Namespace quotas on SQLite. A start under a quota counts and inserts in one IMMEDIATE transaction:
 * SQLite lets one writer in at a time, so the count it read is still true when its run is inserted.
 */
import type { AuditEntry, NamespaceQuota, NewRun, QuotaRefusal, QuotaStartResult } from '@baton/core';
import { QuotaKind } from '@baton/core';
import { toQuota, toRunRecord, type QuotaRow, type QuotaStore, type RunRow } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { insertQueuedRun } from '../runs/apply-write.js';

const MINUTE_MS = 60_000;

export class SqliteQuotaStore implements QuotaStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async setQuota(quota: NamespaceQuota, audit?: AuditEntry): Promise<void> {
    this.#conn.write(() => {
      this.#conn.db
        .prepare(
          `INSERT INTO namespace_quotas (namespace, runs_per_minute, concurrent_runs, model_spend_per_day_usd, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (namespace) DO UPDATE SET runs_per_minute = excluded.runs_per_minute, concurrent_runs = excluded.concurrent_runs,
             model_spend_per_day_usd = excluded.model_spend_per_day_usd, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(quota.namespace, quota.runsPerMinute ?? null, quota.concurrentRuns ?? null, quota.modelSpendPerDayUsd ?? null, quota.updatedAt, quota.updatedBy);
      writeAudit(this.#conn.statements, audit);
    });
  }

  async getQuota(namespace: string): Promise<NamespaceQuota | undefined> {
    this.#conn.ensureInitialized();
    const row = this.#conn.db.prepare('SELECT * FROM namespace_quotas WHERE namespace = ?').get(namespace) as QuotaRow | undefined;
    return row === undefined ? undefined : toQuota(row);
  }

  async listQuotas(): Promise<NamespaceQuota[]> {
    this.#conn.ensureInitialized();
    return (this.#conn.db.prepare('SELECT * FROM namespace_quotas ORDER BY namespace').all() as QuotaRow[]).map(toQuota);
  }

  async deleteQuota(namespace: string, audit?: AuditEntry): Promise<boolean> {
    return this.#conn.write(() =>
      this.#conn.audited(this.#conn.db.prepare('DELETE FROM namespace_quotas WHERE namespace = ?').run(namespace).changes > 0, audit),
    );
  }

  async createRunWithinQuota(run: NewRun, now: number, audit?: AuditEntry): Promise<QuotaStartResult> {
    const db = this.#conn.db;
    const namespace = run.namespace ?? 'default';
    return this.#conn.write((hints): QuotaStartResult => {
      const existing = this.#conn.statements.getRun.get(run.id) as RunRow | undefined;
      if (existing !== undefined) return { run: toRunRecord(existing), created: false };
      const row = db.prepare('SELECT * FROM namespace_quotas WHERE namespace = ?').get(namespace) as QuotaRow | undefined;
      const refusal = row === undefined ? undefined : this.#refusal(toQuota(row), namespace, now);
      if (refusal !== undefined) return { refused: refusal };
      insertQueuedRun(this.#conn.statements, run, now);
      writeAudit(this.#conn.statements, audit);
      hints.push({ type: 'ready', runId: run.id });
      return { run: toRunRecord(this.#conn.statements.getRun.get(run.id) as RunRow), created: true };
    });
  }

  #refusal(quota: NamespaceQuota, namespace: string, now: number): QuotaRefusal | undefined {
    const db = this.#conn.db;
    if (quota.concurrentRuns !== undefined) {
      const { n } = db.prepare("SELECT COUNT(*) AS n FROM runs WHERE namespace = ? AND status IN ('queued', 'running', 'waiting')").get(namespace) as {
        n: number;
      };
      if (n >= quota.concurrentRuns) return { quota: QuotaKind.ConcurrentRuns, limit: quota.concurrentRuns };
    }
    if (quota.runsPerMinute !== undefined) {
      const since = now - MINUTE_MS;
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM runs WHERE namespace = ? AND created_at > ?').get(namespace, since) as { n: number };
      if (n >= quota.runsPerMinute) {
        // The window frees a slot when the run that must leave it for the count to drop below the limit does.
        const leaving = db
          .prepare('SELECT created_at FROM runs WHERE namespace = ? AND created_at > ? ORDER BY created_at LIMIT 1 OFFSET ?')
          .get(namespace, since, n - quota.runsPerMinute) as { created_at: number } | undefined;
        return { quota: QuotaKind.RunsPerMinute, limit: quota.runsPerMinute, retryAt: (leaving?.created_at ?? now) + MINUTE_MS };
      }
    }
    return undefined;
  }

  async modelSpendSince(namespace: string, since: number): Promise<number> {
    this.#conn.ensureInitialized();
    const row = this.#conn.db
      .prepare('SELECT COALESCE(SUM(llm_cost_usd), 0) AS spent FROM run_stats WHERE namespace = ? AND hour >= ?')
      .get(namespace, since) as { spent: number };
    return row.spent;
  }
}
