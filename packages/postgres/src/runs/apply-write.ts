/** Applies one fenced WriteOp inside the group-commit transaction (PostgreSQL). */
import type { NewRun, SignalRecord } from '@baton/core';
import { errorText, endStatus, finishedHint } from '@baton/core/store-kit';
import type { StoreHint, WriteOp, WriteResult } from '@baton/core/store-kit';
import type pg from 'pg';
import { limitColumns, tagsText } from './apply-batch.js';

export const INSERT_QUEUED = `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
    concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags, ready_at, created_at, updated_at)
  VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $11, $12, $13, $14, $15, $16, $10, $10, $10) ON CONFLICT (id) DO NOTHING`;

/** The parameters of INSERT_QUEUED for `run`. */
export function queuedRunValues(run: NewRun, now: number): unknown[] {
  const limits = limitColumns(run);
  return [
    run.id,
    run.workflow,
    run.version,
    run.input,
    run.queue,
    run.priority,
    run.parentId ?? null,
    run.parentSeq ?? null,
    run.continuedFrom ?? null,
    now,
    limits.concurrency_key,
    limits.concurrency_limit,
    limits.rate_key,
    limits.rate_limit,
    run.namespace ?? 'default',
    tagsText(run.tags),
  ];
}

export async function insertQueuedRun(db: pg.ClientBase, run: NewRun, now: number): Promise<boolean> {
  const result = await db.query(INSERT_QUEUED, queuedRunValues(run, now));
  return (result.rowCount ?? 0) > 0;
}

export async function applyWrite(db: pg.ClientBase, op: WriteOp, now: number, hints: StoreHint[]): Promise<WriteResult> {
  if (op.create !== undefined && op.create.leaseOwner === undefined) {
    if (!(await insertQueuedRun(db, op.create, now))) return { ok: false, reason: 'exists' };
    hints.push({ type: 'ready', runId: op.create.id });
    return { ok: true };
  }
  if (op.create !== undefined) {
    const c = op.create;
    const created = await db.query(
      `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
         lease_owner, lease_token, lease_expires_at, ready_at, claims, created_at, updated_at, started_at,
         concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags)
       VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1, $13, $13, $13, $14, $15, $16, $17, $18, $19) ON CONFLICT (id) DO NOTHING`,
      [
        c.id,
        c.workflow,
        c.version,
        c.input,
        c.queue,
        c.priority,
        c.parentId ?? null,
        c.parentSeq ?? null,
        c.continuedFrom ?? null,
        c.leaseOwner,
        op.leaseToken,
        c.leaseExpiresAt ?? now,
        now,
        ...Object.values(limitColumns(c)),
        c.namespace ?? 'default',
        tagsText(c.tags),
      ],
    );
    if ((created.rowCount ?? 0) === 0) return { ok: false, reason: 'exists' };
  } else {
    // Fencing: the row lock also orders this op after any concurrent change to the run.
    const fence = await db.query<{ token: string | null; status: string; cancel_requested: number; parent_id: string | null }>(
      'SELECT lease_token AS token, status, cancel_requested, parent_id FROM runs WHERE id = $1 FOR UPDATE',
      [op.runId],
    );
    const row = fence.rows[0];
    if (row === undefined || row.token !== op.leaseToken || row.status !== 'running') return { ok: false, reason: 'leaseLost' };
  }
  if (op.journal !== undefined && op.journal.length > 0) {
    const e = op.journal;
    await db.query(
      `INSERT INTO journal (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[], $11::bigint[], $12::int[])`,
      [
        op.runId,
        e.map((x) => x.seq),
        e.map((x) => x.kind),
        e.map((x) => x.name),
        e.map((x) => x.status),
        e.map((x) => x.input ?? null),
        e.map((x) => x.output ?? null),
        e.map((x) => errorText(x.error)),
        e.map((x) => x.attempts),
        e.map((x) => x.startedAt),
        e.map((x) => x.endedAt),
        e.map((x) => x.compensates ?? null),
      ],
    );
  }
  if (op.consumeSignals !== undefined && op.consumeSignals.length > 0) {
    await db.query('UPDATE signals SET consumed = 1 WHERE run_id = $1 AND id = ANY($2::bigint[]) AND consumed = 0', [op.runId, op.consumeSignals]);
  }
  for (const r of op.stepRetries ?? []) {
    await db.query(
      `INSERT INTO step_retries (run_id, seq, attempts, next_attempt_at, error) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id, seq) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, error = excluded.error`,
      [op.runId, r.seq, r.attempts, r.nextAttemptAt, errorText(r.error)],
    );
  }
  for (const run of op.createRuns ?? []) {
    if (await insertQueuedRun(db, run, now)) hints.push({ type: 'ready', runId: run.id });
  }
  if (op.progress !== undefined) await db.query('UPDATE runs SET progress = $1, updated_at = $2 WHERE id = $3', [op.progress, now, op.runId]);
  if (op.compensate !== undefined) {
    await db.query("UPDATE runs SET phase = 'compensating', end_status = $1, error = $2, compensation_plan = $3, updated_at = $4 WHERE id = $5", [
      op.compensate.endStatus,
      errorText(op.compensate.error),
      JSON.stringify(op.compensate.plan),
      now,
      op.runId,
    ]);
  }
  const t = op.transition;
  if (t === undefined) return { ok: true };
  switch (t.kind) {
    case 'complete':
    case 'fail':
    case 'cancel':
    case 'continue': {
      const status = endStatus(t);
      const finished = await db.query<{ parent_id: string | null }>(
        `UPDATE runs SET status = $2, output = $3, error = COALESCE($4, error), continued_to = $5, ready_at = NULL, wake_at = NULL,
           lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, ended_at = $6, updated_at = $6
         WHERE id = $1 RETURNING parent_id`,
        [
          op.runId,
          status,
          t.kind === 'complete' ? t.output : null,
          t.kind === 'fail' || t.kind === 'cancel' ? errorText(t.error) : null,
          t.kind === 'continue' ? t.nextRunId : null,
          now,
        ],
      );
      await db.query('DELETE FROM step_retries WHERE run_id = $1', [op.runId]);
      hints.push(finishedHint(op.runId, t));
      await releaseHeld(db, op.runId, now, hints);
      const parentId = finished.rows[0]?.parent_id ?? null;
      if (t.kind !== 'continue' && parentId !== null && (await wakeParent(db, parentId, op.runId, now))) hints.push({ type: 'ready', runId: parentId });
      return { ok: true };
    }
    case 'suspend': {
      const woken = await db.query<{ woken: boolean }>(
        `SELECT (r.cancel_requested = 1
            OR EXISTS (SELECT 1 FROM signals s WHERE s.run_id = r.id AND s.consumed = 0 AND s.name = ANY($2::text[]))
            OR EXISTS (SELECT 1 FROM runs c WHERE c.id = ANY($3::text[]) AND c.status IN ('completed', 'failed', 'cancelled'))
            OR ($4::bigint IS NOT NULL AND $4::bigint <= $5::bigint)) AS woken
         FROM runs r WHERE r.id = $1`,
        [op.runId, t.waits.signals, t.waits.children, t.wakeAt ?? null, now],
      );
      const isWoken = woken.rows[0]?.woken === true;
      await db.query(
        `UPDATE runs SET status = 'waiting', wake_at = $2, waits = $3, ready_at = $4, lease_owner = NULL, lease_token = NULL,
           lease_expires_at = NULL, updated_at = $5 WHERE id = $1`,
        [op.runId, t.wakeAt ?? null, JSON.stringify(t.waits), isWoken ? now : (t.wakeAt ?? null), now],
      );
      if (isWoken) hints.push({ type: 'ready', runId: op.runId });
      return isWoken ? { ok: true, woken: true } : { ok: true };
    }
    case 'release':
      if (t.limits !== undefined) {
        const l = limitColumns({ ...t.limits } as NewRun);
        await db.query(
          'UPDATE runs SET concurrency_key = $2, concurrency_limit = $3, rate_key = $4, rate_limit = $5, claims = 0, started_at = NULL WHERE id = $1',
          [op.runId, l.concurrency_key, l.concurrency_limit, l.rate_key, l.rate_limit],
        );
      }
      await db.query(
        "UPDATE runs SET status = 'queued', ready_at = $2, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = $2 WHERE id = $1",
        [op.runId, now],
      );
      hints.push({ type: 'ready', runId: op.runId });
      return { ok: true };
  }
}

/** Wakes a parent waiting for this child; true if it was woken. */
export async function wakeParent(db: pg.ClientBase, parentId: string, childId: string, now: number): Promise<boolean> {
  // Lock the parent first: a parent suspending right now either sees this child ended, or is woken here.
  await db.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [parentId]);
  const result = await db.query(
    `UPDATE runs SET ready_at = $3, updated_at = $3
     WHERE id = $1 AND status = 'waiting' AND (waits::jsonb -> 'children') ? $2`,
    [parentId, childId, now],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Stores a signal for a run and wakes the run if it waits for that name. */
export async function storeSignal(db: pg.ClientBase, runId: string, name: string, payload: string, now: number, hints: StoreHint[]): Promise<SignalRecord> {
  const { id } = (
    await db.query<{ id: string }>('INSERT INTO signals (run_id, name, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [runId, name, payload, now])
  ).rows[0]!;
  const signal: SignalRecord = { id: Number(id), runId, name, payload, createdAt: now };
  hints.push({ type: 'signal', runId, signal });
  const woken = await db.query("UPDATE runs SET ready_at = $2, updated_at = $2 WHERE id = $1 AND status = 'waiting' AND (waits::jsonb -> 'signals') ? $3", [
    runId,
    now,
    name,
  ]);
  if ((woken.rowCount ?? 0) > 0) hints.push({ type: 'ready', runId });
  return signal;
}

/** Runs held until `runId` ended (a schedule's next run) are ready now. */
export async function releaseHeld(db: pg.ClientBase, runId: string, now: number, hints: StoreHint[]): Promise<void> {
  const released = await db.query<{ id: string }>(
    "UPDATE runs SET ready_at = $2, updated_at = $2 WHERE after_run = $1 AND status = 'queued' AND ready_at IS NULL RETURNING id",
    [runId, now],
  );
  for (const { id } of released.rows) hints.push({ type: 'ready', runId: id });
}
