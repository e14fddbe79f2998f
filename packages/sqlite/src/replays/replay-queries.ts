/** Replay checks on SQLite (Store.recordReplays and the replay reads). */
import type Database from 'better-sqlite3';
import { MAX_REPLAY_CHECKS_PER_RUN, type NewReplayCheck, type ReplayCheckInfo, type ReplayCheckRecord, type RunReplayRecord } from '@baton/core';
import {
  REPLAY_CHECK_COLUMNS,
  REPLAY_RESULT_COLUMNS,
  replayCheckValues,
  replayPruneStatement,
  replayResultValues,
  runNotFound,
  toReplayCheckInfo,
  toReplayResult,
  type ReplayCheckRow,
  type ReplayResultRow,
} from '@baton/core/store-kit';

const RUN_IDS = 'SELECT value FROM json_each(?)';

/** Records in the caller's write transaction: refuses (before writing) a run id it does not know. */
export function recordReplays(db: Database.Database, check: NewReplayCheck, now: number): ReplayCheckInfo {
  const runIds = JSON.stringify(check.results.map((r) => r.runId));
  const unknown = db
    .prepare(
      `SELECT j.value AS id FROM json_each(?) AS j
        WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = j.value AND (? IS NULL OR runs.namespace = ?)) LIMIT 1`,
    )
    .get(runIds, check.namespace ?? null, check.namespace ?? null) as { id: string } | undefined;
  if (unknown !== undefined) throw runNotFound(unknown.id);

  const row = db
    .prepare(`INSERT INTO replay_checks (${REPLAY_CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`)
    .get(...replayCheckValues(check, now)) as ReplayCheckRow;
  const insert = db.prepare(
    `INSERT INTO replay_results (${REPLAY_RESULT_COLUMNS}) VALUES (${REPLAY_RESULT_COLUMNS.split(', ')
      .map(() => '?')
      .join(', ')})`,
  );
  check.results.forEach((result, position) => insert.run(...replayResultValues(Number(row.seq), now, position, result, (ok) => (ok ? 1 : 0))));

  const pruned = db.prepare(replayPruneStatement(RUN_IDS)).all(runIds) as { check_seq: number }[];
  if (pruned.length > 0) {
    db.prepare(
      `DELETE FROM replay_checks WHERE seq IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM replay_results r WHERE r.check_seq = replay_checks.seq)`,
    ).run(JSON.stringify([...new Set(pruned.map((p) => Number(p.check_seq)))]));
  }
  return toReplayCheckInfo(row);
}

export function getReplayCheck(db: Database.Database, id: string): ReplayCheckRecord | undefined {
  const row = db.prepare('SELECT * FROM replay_checks WHERE id = ?').get(id) as ReplayCheckRow | undefined;
  if (row === undefined) return undefined;
  const results = db.prepare('SELECT * FROM replay_results WHERE check_seq = ? ORDER BY position').all(row.seq) as ReplayResultRow[];
  return { ...toReplayCheckInfo(row), results: results.map(toReplayResult) };
}

export function listReplays(db: Database.Database, runId: string, limit = MAX_REPLAY_CHECKS_PER_RUN): RunReplayRecord[] {
  const rows = db
    .prepare(
      `SELECT r.*, c.id, c.candidate, c.checked_by, c.namespace, c.runs, c.ok AS check_ok, c.diverged
        FROM replay_results r JOIN replay_checks c ON c.seq = r.check_seq
        WHERE r.run_id = ? ORDER BY r.checked_at DESC, r.check_seq DESC LIMIT ?`,
    )
    .all(runId, limit) as (ReplayResultRow & ReplayCheckRow & { check_ok: number; checked_at: number })[];
  return rows.map((row) => ({ check: toReplayCheckInfo({ ...row, seq: row.check_seq, ok: row.check_ok }), result: toReplayResult(row) }));
}
