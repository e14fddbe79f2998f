/** The replay tables' rows in the SQL stores (SQLite and PostgreSQL use the same columns) as records, and the statements both share. */
import type { ReplayResult } from '../replay/replay-result.js';
import { MAX_REPLAY_CHECKS_PER_RUN, type NewReplayCheck, type ReplayCheckInfo, type ReplaySummary } from './replay-store.js';

export interface ReplayCheckRow {
  id: string;
  seq: number | string;
  candidate: string;
  checked_by: string;
  namespace: string;
  checked_at: number | string;
  runs: number | string;
  ok: number | string;
  diverged: number | string;
}

export interface ReplayResultRow {
  check_seq: number | string;
  run_id: string;
  workflow: string;
  version: string;
  positions: number | string;
  ok: number | boolean;
  ended: string | null;
  seq: number | string | null;
  journaled: string | null;
  requested: string | null;
  code: string | null;
  message: string | null;
  source: string | null;
}

/** The result columns, in insert order (check_seq, run_id, checked_at, position, then the result). */
export const REPLAY_RESULT_COLUMNS =
  'check_seq, run_id, checked_at, position, workflow, version, positions, ok, ended, seq, journaled, requested, code, message, source';

/** The check columns of an insert, in order (the store adds `seq`). */
export const REPLAY_CHECK_COLUMNS = 'id, candidate, checked_by, namespace, checked_at, runs, ok, diverged';

/** Keeps each listed run's latest results; `$RUNS` is the store's list of the check's run ids. Returns the checks pruned rows belonged to. */
export function replayPruneStatement(runs: string): string {
  return `DELETE FROM replay_results WHERE (run_id, check_seq) IN (
    SELECT run_id, check_seq FROM (
      SELECT run_id, check_seq, row_number() OVER (PARTITION BY run_id ORDER BY checked_at DESC, check_seq DESC) AS n
      FROM replay_results WHERE run_id IN (${runs})
    ) ranked WHERE n > ${MAX_REPLAY_CHECKS_PER_RUN}) RETURNING check_seq`;
}

export function replaySummary(results: readonly ReplayResult[]): ReplaySummary {
  const ok = results.filter((r) => r.ok).length;
  return { runs: results.length, ok, diverged: results.length - ok };
}

export function replayCheckValues(check: NewReplayCheck, now: number): unknown[] {
  const summary = replaySummary(check.results);
  return [check.id, check.candidate, check.by, check.namespace ?? 'default', now, summary.runs, summary.ok, summary.diverged];
}

/** The values of one result's insert, in REPLAY_RESULT_COLUMNS order (`ok` as the dialect's boolean). */
export function replayResultValues(checkSeq: number, now: number, position: number, result: ReplayResult, ok: (value: boolean) => unknown): unknown[] {
  const base = [checkSeq, result.runId, now, position, result.workflow, result.version, result.positions, ok(result.ok)];
  if (result.ok) return [...base, result.ended, null, null, null, null, null, null];
  const d = result.divergence;
  return [...base, null, d.seq, d.journaled, d.requested, d.code, d.message, d.source ?? null];
}

export function toReplayCheckInfo(row: ReplayCheckRow): ReplayCheckInfo {
  return {
    id: row.id,
    candidate: row.candidate,
    by: row.checked_by,
    namespace: row.namespace,
    checkedAt: Number(row.checked_at),
    summary: { runs: Number(row.runs), ok: Number(row.ok), diverged: Number(row.diverged) },
  };
}

export function toReplayResult(row: ReplayResultRow): ReplayResult {
  const base = { runId: row.run_id, workflow: row.workflow, version: row.version, positions: Number(row.positions) };
  if (row.ok === true || row.ok === 1) return { ...base, ok: true, ended: (row.ended ?? 'returned') as 'returned' | 'threw' | 'frontier' };
  return {
    ...base,
    ok: false,
    divergence: {
      seq: Number(row.seq ?? 0),
      journaled: row.journaled ?? '',
      requested: row.requested ?? '',
      code: row.code ?? '',
      message: row.message ?? '',
      ...(row.source === null ? {} : { source: row.source }),
    },
  };
}
