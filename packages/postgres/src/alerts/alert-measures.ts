/**
 * The values of alert conditions on PostgreSQL, each one statement over an index range: runs ended in
 * the window (runs_ended), failed runs by end time (runs_failed_ended), running and waiting runs by
 * age (runs_running_since, and runs_waiting_since by when each wait began), queued runs, the hourly counts (run_stats) for a workflow's
 * spend, and the journals of runs created in the window for one run's spend.
 */
import type pg from 'pg';
import type { AlertCondition, AlertMeasure } from '@baton/core';
import { hourOf } from '@baton/core/store-kit';
import { WAITING_SINCE } from '../insight/inbox-queries.js';

// Every statement: $1 namespace, $2 workflow (or null); then its own parameters.
const WORKFLOW = '($2::text IS NULL OR workflow = $2)';
const RUN_WORKFLOW = '($2::text IS NULL OR r.workflow = $2)';

export async function measureAlert(db: pg.Pool, namespace: string, condition: AlertCondition, windowMs: number, now: number): Promise<AlertMeasure> {
  const workflow = 'workflow' in condition ? (condition.workflow ?? null) : null;
  const from = now - windowMs;
  const one = async (sql: string, more: unknown[]): Promise<Record<string, string | number | null>> => {
    const { rows } = await db.query(sql, [namespace, workflow, ...more]);
    return rows[0] as Record<string, string | number | null>;
  };
  const num = (value: string | number | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));
  switch (condition.kind) {
    case 'failure-rate': {
      const row = await one(
        `SELECT COUNT(*) AS ended, COUNT(*) FILTER (WHERE status = 'failed') AS failed FROM runs
          WHERE ended_at > $3 AND ended_at <= $4 AND namespace = $1 AND ${WORKFLOW} AND status IN ('completed', 'failed', 'cancelled')`,
        [from, now],
      );
      const ended = num(row.ended);
      return { value: ended < condition.minRuns || ended === 0 ? null : num(row.failed) / ended };
    }
    case 'stuck': {
      const sql =
        condition.status === 'running'
          ? `SELECT COUNT(*) AS n FROM runs WHERE status = 'running' AND started_at < $3 AND namespace = $1 AND ${WORKFLOW}`
          : `SELECT COUNT(*) AS n FROM runs WHERE status = 'waiting' AND ${WAITING_SINCE} < $3 AND namespace = $1 AND ${WORKFLOW}`;
      return { value: num((await one(sql, [now - condition.for])).n) };
    }
    case 'queue-depth':
      return {
        value: num(
          (
            await one(
              `SELECT COUNT(*) AS n FROM runs WHERE status = 'queued' AND namespace = $1 AND ($2::text IS NULL OR TRUE) AND ($3::text IS NULL OR queue = $3)`,
              [condition.queue ?? null],
            )
          ).n,
        ),
      };
    case 'queue-age': {
      const row = await one(
        `SELECT MIN(ready_at) AS at FROM runs
          WHERE status = 'queued' AND namespace = $1 AND ($2::text IS NULL OR TRUE) AND ($3::text IS NULL OR queue = $3) AND ready_at <= $4`,
        [condition.queue ?? null, now],
      );
      return { value: row.at === null || row.at === undefined ? 0 : Math.max(0, now - Number(row.at)) };
    }
    case 'workflow-spend':
      return {
        value: num(
          (
            await one(
              // The hourly counts and the deltas not yet folded into them (run_stats_delta, migration 0020).
              `SELECT COALESCE(SUM(llm_cost_usd), 0) AS usd FROM (
                SELECT llm_cost_usd, hour, namespace, workflow FROM run_stats UNION ALL SELECT llm_cost_usd, hour, namespace, workflow FROM run_stats_delta
              ) s WHERE hour >= $3 AND hour <= $4 AND namespace = $1 AND ${WORKFLOW}`,
              [hourOf(from), now],
            )
          ).usd,
        ),
      };
    case 'run-spend':
      return {
        value: num(
          (
            await one(
              `SELECT COALESCE(MAX(usd), 0) AS usd FROM (
                SELECT SUM((o.output ->> 'costUsd')::double precision) AS usd
                FROM (
                  SELECT r.id, jsonb_or_null(j.output) AS output FROM runs r JOIN journal j ON j.run_id = r.id
                  WHERE r.created_at > $3 AND r.created_at <= $4 AND r.namespace = $1 AND ${RUN_WORKFLOW}
                    AND j.status = 'completed' AND j.output LIKE '%baton.llm%'
                ) o
                WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
                GROUP BY o.id) s`,
              [from, now],
            )
          ).usd,
        ),
      };
    case 'step-failed':
      return {
        value: num(
          (
            await one(
              `SELECT COUNT(*) AS n FROM runs r
                WHERE r.status = 'failed' AND r.ended_at > $3 AND r.ended_at <= $4 AND r.namespace = $1 AND ${RUN_WORKFLOW}
                  AND EXISTS (SELECT 1 FROM journal j WHERE j.run_id = r.id AND j.kind = 'step' AND j.status = 'failed' AND ($5::text IS NULL OR j.name = $5))`,
              [from, now, condition.step ?? null],
            )
          ).n,
        ),
      };
    case 'dsl-error':
      return {
        value: num(
          (
            await one(
              `SELECT COUNT(*) AS n FROM runs r
                WHERE r.status = 'failed' AND r.ended_at > $3 AND r.ended_at <= $4 AND r.namespace = $1 AND ${RUN_WORKFLOW}
                  AND strpos(r.error, $5) > 0`,
              [from, now, condition.errorType],
            )
          ).n,
        ),
      };
  }
}
