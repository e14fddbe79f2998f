/** Replay checks on PostgreSQL (Store.recordReplays and the replay reads). */
import type pg from 'pg';
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

const RESULT_COLUMNS = REPLAY_RESULT_COLUMNS.split(', ');

/**
 * Records in the caller's transaction: refuses (before writing) a run id it does not know. Reports
 * take a lock of their own first (per schema; they are rare), so pruning a run's results always sees
 * those of a report recorded at the same time.
 */
export async function recordReplays(db: pg.PoolClient, schema: string, check: NewReplayCheck, now: number): Promise<ReplayCheckInfo> {
  const runIds = check.results.map((r) => r.runId);
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:replays:${schema}`]);
  const { rows: unknown } = await db.query<{ id: string }>(
    `SELECT u.run_id AS id FROM unnest($1::text[]) AS u(run_id)
      WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = u.run_id AND ($2::text IS NULL OR runs.namespace = $2)) LIMIT 1`,
    [runIds, check.namespace ?? null],
  );
  if (unknown[0] !== undefined) throw runNotFound(unknown[0].id);

  const { rows } = await db.query<ReplayCheckRow>(
    `INSERT INTO replay_checks (${REPLAY_CHECK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    replayCheckValues(check, now),
  );
  const row = rows[0]!;
  // One statement for every result: each column as an array, unnested together.
  const values = check.results.map((result, position) => replayResultValues(Number(row.seq), now, position, result, (ok) => ok));
  const types = ['bigint', 'text', 'bigint', 'integer', 'text', 'text', 'integer', 'boolean', 'text', 'integer', 'text', 'text', 'text', 'text', 'text'];
  await db.query(
    `INSERT INTO replay_results (${REPLAY_RESULT_COLUMNS}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
    RESULT_COLUMNS.map((_, column) => values.map((v) => v[column])),
  );

  const { rows: pruned } = await db.query<{ check_seq: string }>(replayPruneStatement('SELECT unnest($1::text[])'), [runIds]);
  if (pruned.length > 0) {
    await db.query(`DELETE FROM replay_checks c WHERE c.seq = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM replay_results r WHERE r.check_seq = c.seq)`, [
      [...new Set(pruned.map((p) => p.check_seq))],
    ]);
  }
  return toReplayCheckInfo(row);
}

export async function getReplayCheck(db: pg.Pool, id: string): Promise<ReplayCheckRecord | undefined> {
  const { rows } = await db.query<ReplayCheckRow>('SELECT * FROM replay_checks WHERE id = $1', [id]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const { rows: results } = await db.query<ReplayResultRow>('SELECT * FROM replay_results WHERE check_seq = $1 ORDER BY position', [row.seq]);
  return { ...toReplayCheckInfo(row), results: results.map(toReplayResult) };
}

export async function listReplays(db: pg.Pool, runId: string, limit = MAX_REPLAY_CHECKS_PER_RUN): Promise<RunReplayRecord[]> {
  const { rows } = await db.query<ReplayResultRow & ReplayCheckRow & { check_ok: number }>(
    `SELECT r.*, c.id, c.candidate, c.checked_by, c.namespace, c.runs, c.ok AS check_ok, c.diverged
      FROM replay_results r JOIN replay_checks c ON c.seq = r.check_seq
      WHERE r.run_id = $1 ORDER BY r.checked_at DESC, r.check_seq DESC LIMIT $2`,
    [runId, limit],
  );
  return rows.map((row) => ({ check: toReplayCheckInfo({ ...row, seq: row.check_seq, ok: row.check_ok }), result: toReplayResult(row) }));
}
