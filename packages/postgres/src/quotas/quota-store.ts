/**
 * Namespace quotas on PostgreSQL. A start under a quota locks its namespace's quota row (FOR UPDATE)
 * before counting, so concurrent starts of one namespace count one after another: under READ
 * COMMITTED, each statement after the lock sees the runs the previous holder committed.
 */
import type { AuditEntry, NamespaceQuota, NewRun, QuotaRefusal, QuotaStartResult } from '@baton/core';
import { QuotaKind } from '@baton/core';
import { toQuota, toRunRecord, type QuotaRow, type QuotaStore, type RunRow } from '@baton/core/store-kit';
import type pg from 'pg';
import type { PostgresConnection } from '../connection/connection.js';
import { audited, writeAudit } from '../access/audit-writes.js';
import { insertQueuedRun } from '../runs/apply-write.js';
import { SELECT_RUN } from '../runs/run-queries.js';

const MINUTE_MS = 60_000;

const UPSERT_QUOTA = `INSERT INTO namespace_quotas (namespace, runs_per_minute, concurrent_runs, model_spend_per_day_usd, updated_at, updated_by)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (namespace) DO UPDATE SET runs_per_minute = excluded.runs_per_minute, concurrent_runs = excluded.concurrent_runs,
    model_spend_per_day_usd = excluded.model_spend_per_day_usd, updated_at = excluded.updated_at, updated_by = excluded.updated_by
  RETURNING namespace`;

export class PostgresQuotas implements QuotaStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async setQuota(quota: NamespaceQuota, audit?: AuditEntry): Promise<void> {
    await audited(
      this.#db,
      UPSERT_QUOTA,
      [quota.namespace, quota.runsPerMinute ?? null, quota.concurrentRuns ?? null, quota.modelSpendPerDayUsd ?? null, quota.updatedAt, quota.updatedBy],
      audit,
    );
  }

  async getQuota(namespace: string): Promise<NamespaceQuota | undefined> {
    const row = (await this.#db.query<QuotaRow>('SELECT * FROM namespace_quotas WHERE namespace = $1', [namespace])).rows[0];
    return row === undefined ? undefined : toQuota(row);
  }

  async listQuotas(): Promise<NamespaceQuota[]> {
    return (await this.#db.query<QuotaRow>('SELECT * FROM namespace_quotas ORDER BY namespace')).rows.map(toQuota);
  }

  async deleteQuota(namespace: string, audit?: AuditEntry): Promise<boolean> {
    return (await audited(this.#db, 'DELETE FROM namespace_quotas WHERE namespace = $1 RETURNING namespace', [namespace], audit)).rows.length > 0;
  }

  async createRunWithinQuota(run: NewRun, now: number, audit?: AuditEntry): Promise<QuotaStartResult> {
    const namespace = run.namespace ?? 'default';
    return this.#db.transaction(async (db, hints): Promise<QuotaStartResult> => {
      const row = (await db.query<QuotaRow>('SELECT * FROM namespace_quotas WHERE namespace = $1 FOR UPDATE', [namespace])).rows[0];
      const existing = (await db.query<RunRow>(SELECT_RUN, [run.id])).rows[0];
      if (existing !== undefined) return { run: toRunRecord(existing), created: false };
      const refusal = row === undefined ? undefined : await refusalOf(db, toQuota(row), namespace, now);
      if (refusal !== undefined) return { refused: refusal };
      if (!(await insertQueuedRun(db, run, now))) {
        const raced = (await db.query<RunRow>(SELECT_RUN, [run.id])).rows[0];
        if (raced !== undefined) return { run: toRunRecord(raced), created: false };
      }
      await writeAudit(db, audit);
      hints.push({ type: 'ready', runId: run.id });
      return { run: toRunRecord((await db.query<RunRow>(SELECT_RUN, [run.id])).rows[0]!), created: true };
    });
  }

  async modelSpendSince(namespace: string, since: number): Promise<number> {
    // The hourly counts and the changes not yet folded into them (see 0012_run_stats.sql).
    const row = (
      await this.#db.query<{ spent: number | null }>(
        `SELECT SUM(llm_cost_usd) AS spent FROM (
           SELECT llm_cost_usd FROM run_stats WHERE namespace = $1 AND hour >= $2
           UNION ALL SELECT llm_cost_usd FROM run_stats_delta WHERE namespace = $1 AND hour >= $2) s`,
        [namespace, since],
      )
    ).rows[0];
    return Number(row?.spent ?? 0);
  }
}

async function refusalOf(db: pg.ClientBase, quota: NamespaceQuota, namespace: string, now: number): Promise<QuotaRefusal | undefined> {
  if (quota.concurrentRuns !== undefined) {
    const { n } = (
      await db.query<{ n: string }>("SELECT COUNT(*) AS n FROM runs WHERE namespace = $1 AND status IN ('queued', 'running', 'waiting')", [namespace])
    ).rows[0]!;
    if (Number(n) >= quota.concurrentRuns) return { quota: QuotaKind.ConcurrentRuns, limit: quota.concurrentRuns };
  }
  if (quota.runsPerMinute !== undefined) {
    const since = now - MINUTE_MS;
    const { n } = (await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM runs WHERE namespace = $1 AND created_at > $2', [namespace, since])).rows[0]!;
    if (Number(n) >= quota.runsPerMinute) {
      // The window frees a slot when the run that must leave it for the count to drop below the limit does.
      const leaving = (
        await db.query<{ created_at: string }>('SELECT created_at FROM runs WHERE namespace = $1 AND created_at > $2 ORDER BY created_at LIMIT 1 OFFSET $3', [
          namespace,
          since,
          Number(n) - quota.runsPerMinute,
        ])
      ).rows[0];
      return { quota: QuotaKind.RunsPerMinute, limit: quota.runsPerMinute, retryAt: (leaving === undefined ? now : Number(leaving.created_at)) + MINUTE_MS };
    }
  }
  return undefined;
}
