/**
 * The values of alert conditions on SQLite, each one statement over an index range: runs ended in the
 * window (runs_ended), failed runs by end time (runs_failed_ended), running and waiting runs by age
 * (runs_running_since, and runs_waiting_since by when each wait began), queued runs (runs_queued_depth), the hourly counts (run_stats)
 * for a workflow's spend, and the journals of runs created in the window for one run's spend.
 */
import type Database from 'better-sqlite3';
import type { AlertCondition, AlertMeasure } from '@baton/core';
import { hourOf } from '@baton/core/store-kit';
import { WAITING_SINCE } from '../insight/inbox-queries.js';

const WORKFLOW = '(@workflow IS NULL OR workflow = @workflow)';

export function measureAlert(db: Database.Database, namespace: string, condition: AlertCondition, windowMs: number, now: number): AlertMeasure {
  const workflow = 'workflow' in condition ? (condition.workflow ?? null) : null;
  const params = { namespace, workflow, from: now - windowMs, now };
  const one = (sql: string, extra: Record<string, unknown> = {}): Record<string, number | null> =>
    db.prepare(sql).get({ ...params, ...extra }) as Record<string, number | null>;
  switch (condition.kind) {
    case 'failure-rate': {
      const row = one(
        `SELECT COUNT(*) AS ended, COALESCE(SUM(status = 'failed'), 0) AS failed FROM runs INDEXED BY runs_ended
          WHERE ended_at > @from AND ended_at <= @now AND namespace = @namespace AND ${WORKFLOW}
            AND status IN ('completed', 'failed', 'cancelled')`,
      );
      const ended = row.ended ?? 0;
      return { value: ended < condition.minRuns || ended === 0 ? null : (row.failed ?? 0) / ended };
    }
    case 'stuck': {
      const sql =
        condition.status === 'running'
          ? `SELECT COUNT(*) AS n FROM runs INDEXED BY runs_running_since WHERE status = 'running' AND started_at < @bound AND namespace = @namespace AND ${WORKFLOW}`
          : `SELECT COUNT(*) AS n FROM runs INDEXED BY runs_waiting_since WHERE status = 'waiting' AND ${WAITING_SINCE} < @bound AND namespace = @namespace AND ${WORKFLOW}`;
      return { value: one(sql, { bound: now - condition.for }).n ?? 0 };
    }
    case 'queue-depth':
      return {
        value:
          one(
            `SELECT COUNT(*) AS n FROM runs INDEXED BY runs_queued_depth WHERE status = 'queued' AND namespace = @namespace AND (@queue IS NULL OR queue = @queue)`,
            { queue: condition.queue ?? null },
          ).n ?? 0,
      };
    case 'queue-age': {
      const oldest = one(
        `SELECT MIN(ready_at) AS at FROM runs INDEXED BY runs_queued_depth
          WHERE status = 'queued' AND namespace = @namespace AND (@queue IS NULL OR queue = @queue) AND ready_at <= @now`,
        { queue: condition.queue ?? null },
      ).at;
      return { value: oldest === null || oldest === undefined ? 0 : Math.max(0, now - oldest) };
    }
    case 'workflow-spend':
      return {
        value:
          one(
            `SELECT COALESCE(SUM(llm_cost_usd), 0) AS usd FROM run_stats WHERE hour >= @fromHour AND hour <= @now AND namespace = @namespace AND ${WORKFLOW}`,
            { fromHour: hourOf(now - windowMs) },
          ).usd ?? 0,
      };
    case 'run-spend':
      return {
        value:
          one(
            `SELECT COALESCE(MAX(usd), 0) AS usd FROM (
              SELECT SUM(json_extract(j.output, '$.costUsd')) AS usd
              FROM runs r INDEXED BY runs_created JOIN journal j ON j.run_id = r.id
              WHERE r.created_at > @from AND r.created_at <= @now AND r.namespace = @namespace AND (@workflow IS NULL OR r.workflow = @workflow)
                AND j.status = 'completed' AND j.output LIKE '%baton.llm%' AND json_valid(j.output) AND json_extract(j.output, '$.kind') = 'baton.llm'
              GROUP BY r.id)`,
          ).usd ?? 0,
      };
    case 'step-failed':
      return {
        value:
          one(
            `SELECT COUNT(*) AS n FROM runs r INDEXED BY runs_failed_ended
              WHERE r.status = 'failed' AND r.ended_at > @from AND r.ended_at <= @now AND r.namespace = @namespace AND (@workflow IS NULL OR r.workflow = @workflow)
                AND EXISTS (SELECT 1 FROM journal j WHERE j.run_id = r.id AND j.kind = 'step' AND j.status = 'failed' AND (@step IS NULL OR j.name = @step))`,
            { step: condition.step ?? null },
          ).n ?? 0,
      };
    case 'dsl-error':
      return {
        value:
          one(
            `SELECT COUNT(*) AS n FROM runs r INDEXED BY runs_failed_ended
              WHERE r.status = 'failed' AND r.ended_at > @from AND r.ended_at <= @now AND r.namespace = @namespace AND (@workflow IS NULL OR r.workflow = @workflow)
                AND instr(r.error, @errorType) > 0`,
            { errorType: condition.errorType },
          ).n ?? 0,
      };
  }
}
