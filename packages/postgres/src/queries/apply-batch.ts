/**
 * Applies a whole group commit in a handful of set-based statements, whatever its size: one fence
 * (row locks in id order), one insert per kind of row, one update per kind of transition. Round trips
 * are what a commit costs on PostgreSQL beyond its WAL flush, so this is the hot path; the per-op
 * path (apply-write.ts) remains for the rare batch that breaks a constraint.
 */
import { errorText, type JournalEntry, type NewRun, type StepRetryRecord, type StoreHint, type WriteOp, type WriteResult } from '@baton/core';
import type pg from 'pg';
import { wakeParent } from './apply-write.js';

type Finish = { id: string; status: string; output: string | null; error: string | null; continuedTo: string | null; parent: boolean };

export async function applyBatch(db: pg.ClientBase, ops: WriteOp[], now: number, hints: StoreHint[]): Promise<WriteResult[]> {
  const results: (WriteResult | undefined)[] = new Array(ops.length);

  // 1. Runs created by these ops (eager starts, claimed; or plain queued starts).
  const creates = ops.map((op, i) => ({ op, i })).filter(({ op }) => op.create !== undefined);
  if (creates.length > 0) {
    const inserted = new Set(
      (
        await db.query<{ id: string }>(
          `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
             lease_owner, lease_token, lease_expires_at, ready_at, claims, created_at, updated_at, started_at)
           SELECT c.id, c.workflow, c.version, CASE WHEN c.owner IS NULL THEN 'queued' ELSE 'running' END, c.input, c.queue, c.priority,
             c.parent_id, c.parent_seq, c.continued_from, c.owner, CASE WHEN c.owner IS NULL THEN NULL ELSE c.token END,
             CASE WHEN c.owner IS NULL THEN NULL ELSE c.expires END, COALESCE(c.expires, $13), CASE WHEN c.owner IS NULL THEN 0 ELSE 1 END,
             $13, $13, CASE WHEN c.owner IS NULL THEN NULL ELSE $13::bigint END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::bigint[])
             AS c(id, workflow, version, input, queue, priority, parent_id, parent_seq, continued_from, owner, token, expires)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            ...columns(
              creates.map(({ op }) => op.create!),
              (c) => [c.id, c.workflow, c.version, c.input, c.queue, c.priority, c.parentId ?? null, c.parentSeq ?? null, c.continuedFrom ?? null],
            ),
            creates.map(({ op }) => op.create!.leaseOwner ?? null),
            creates.map(({ op }) => (op.create!.leaseOwner === undefined ? null : op.leaseToken)),
            creates.map(({ op }) => (op.create!.leaseOwner === undefined ? null : (op.create!.leaseExpiresAt ?? now))),
            now,
          ],
        )
      ).rows.map((r) => r.id),
    );
    for (const { op, i } of creates) {
      if (!inserted.has(op.create!.id)) results[i] = { ok: false, reason: 'exists' };
      else if (op.create!.leaseOwner === undefined) {
        results[i] = { ok: true };
        hints.push({ type: 'ready', runId: op.create!.id });
      }
    }
  }

  // 2. Fencing: lock every run the other ops write to (in id order, so batches never deadlock).
  const fenced = ops.map((op, i) => ({ op, i })).filter(({ op, i }) => results[i] === undefined && op.create === undefined);
  const tokens = new Map<string, { token: string | null; status: string }>();
  if (fenced.length > 0) {
    const ids = [...new Set(fenced.map(({ op }) => op.runId))].sort();
    const rows = await db.query<{ id: string; token: string | null; status: string }>(
      'SELECT id, lease_token AS token, status FROM runs WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    for (const row of rows.rows) tokens.set(row.id, row);
  }
  const live: WriteOp[] = [];
  for (const { op, i } of ops.map((op, i) => ({ op, i }))) {
    if (results[i] !== undefined) continue;
    if (op.create === undefined) {
      const row = tokens.get(op.runId);
      if (row === undefined || row.token !== op.leaseToken || row.status !== 'running') {
        results[i] = { ok: false, reason: 'leaseLost' };
        continue;
      }
    }
    live.push(op);
    results[i] = { ok: true };
  }

  // 3. Rows every live op adds, one statement per table.
  const journal: JournalEntry[] = live.flatMap((op) => (op.journal ?? []).map((e) => ({ ...e, runId: op.runId })));
  if (journal.length > 0) {
    await db.query(
      `INSERT INTO journal (run_id, seq, kind, name, status, output, error, attempts, started_at, ended_at, compensates)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::bigint[], $11::int[])`,
      columns(journal, (e) => [
        e.runId,
        e.seq,
        e.kind,
        e.name,
        e.status,
        e.output ?? null,
        errorText(e.error),
        e.attempts,
        e.startedAt,
        e.endedAt,
        e.compensates ?? null,
      ]),
    );
  }
  const consumed = live.flatMap((op) => (op.consumeSignals ?? []).map((id) => ({ runId: op.runId, id })));
  if (consumed.length > 0) {
    await db.query(
      'UPDATE signals s SET consumed = 1 FROM unnest($1::text[], $2::bigint[]) AS c(run_id, id) WHERE s.id = c.id AND s.run_id = c.run_id AND s.consumed = 0',
      columns(consumed, (c) => [c.runId, c.id]),
    );
  }
  // The last record per (run, position) wins: one statement may not update a row twice.
  const retries = new Map<string, StepRetryRecord & { runId: string }>();
  for (const op of live) for (const r of op.stepRetries ?? []) retries.set(`${op.runId}\u0000${r.seq}`, { ...r, runId: op.runId });
  if (retries.size > 0) {
    await db.query(
      `INSERT INTO step_retries (run_id, seq, attempts, next_attempt_at, error)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[])
       ON CONFLICT (run_id, seq) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, error = excluded.error`,
      columns([...retries.values()], (r) => [r.runId, r.seq, r.attempts, r.nextAttemptAt, errorText(r.error)]),
    );
  }
  const newRuns: NewRun[] = live.flatMap((op) => op.createRuns ?? []);
  if (newRuns.length > 0) {
    const created = await db.query<{ id: string }>(
      `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from, ready_at, created_at, updated_at)
       SELECT c.id, c.workflow, c.version, 'queued', c.input, c.queue, c.priority, c.parent_id, c.parent_seq, c.continued_from, $10, $10, $10
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[])
         AS c(id, workflow, version, input, queue, priority, parent_id, parent_seq, continued_from)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        ...columns(newRuns, (r) => [
          r.id,
          r.workflow,
          r.version,
          r.input,
          r.queue,
          r.priority,
          r.parentId ?? null,
          r.parentSeq ?? null,
          r.continuedFrom ?? null,
        ]),
        now,
      ],
    );
    for (const row of created.rows) hints.push({ type: 'ready', runId: row.id });
  }

  // 4. Changes to the runs themselves.
  const progress = new Map<string, string | null>();
  for (const op of live) if (op.progress !== undefined) progress.set(op.runId, op.progress);
  if (progress.size > 0) {
    await db.query('UPDATE runs r SET progress = p.progress, updated_at = $3 FROM unnest($1::text[], $2::text[]) AS p(id, progress) WHERE r.id = p.id', [
      [...progress.keys()],
      [...progress.values()],
      now,
    ]);
  }
  for (const op of live) {
    if (op.compensate === undefined) continue;
    await db.query("UPDATE runs SET phase = 'compensating', end_status = $1, error = $2, updated_at = $3 WHERE id = $4", [
      op.compensate.endStatus,
      errorText(op.compensate.error),
      now,
      op.runId,
    ]);
  }
  const finishes: Finish[] = [];
  const suspends: WriteOp[] = [];
  const releases: string[] = [];
  for (const op of live) {
    const t = op.transition;
    if (t === undefined) continue;
    if (t.kind === 'suspend') suspends.push(op);
    else if (t.kind === 'release') releases.push(op.runId);
    else {
      const status = t.kind === 'complete' || t.kind === 'continue' ? 'completed' : t.kind === 'fail' ? 'failed' : 'cancelled';
      finishes.push({
        id: op.runId,
        status,
        output: t.kind === 'complete' ? t.output : null,
        error: t.kind === 'fail' || t.kind === 'cancel' ? errorText(t.error) : null,
        continuedTo: t.kind === 'continue' ? t.nextRunId : null,
        parent: t.kind !== 'continue',
      });
    }
  }
  if (finishes.length > 0) {
    const ended = await db.query<{ id: string; parent_id: string | null }>(
      `UPDATE runs r SET status = f.status, output = f.output, error = COALESCE(f.error, r.error), continued_to = f.continued_to,
         ready_at = NULL, wake_at = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, ended_at = $6, updated_at = $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS f(id, status, output, error, continued_to)
       WHERE r.id = f.id RETURNING r.id, r.parent_id`,
      [...columns(finishes, (f) => [f.id, f.status, f.output, f.error, f.continuedTo]), now],
    );
    await db.query('DELETE FROM step_retries WHERE run_id = ANY($1::text[])', [finishes.map((f) => f.id)]);
    const parents = new Map(ended.rows.map((r) => [r.id, r.parent_id]));
    for (const f of finishes) {
      hints.push({ type: 'finished', runId: f.id, status: f.status as 'completed' });
      const parentId = parents.get(f.id) ?? null;
      if (f.parent && parentId !== null && (await wakeParent(db, parentId, f.id, now))) hints.push({ type: 'ready', runId: parentId });
    }
  }
  if (suspends.length > 0) {
    const waits = suspends.map((op) => op.transition as Extract<NonNullable<WriteOp['transition']>, { kind: 'suspend' }>);
    const woken = await db.query<{ id: string }>(
      `SELECT s.id FROM unnest($1::text[], $2::text[], $3::bigint[]) AS s(id, waits, wake_at) JOIN runs r ON r.id = s.id
       WHERE r.cancel_requested = 1
          OR (s.wake_at IS NOT NULL AND s.wake_at <= $4)
          OR EXISTS (SELECT 1 FROM signals g WHERE g.run_id = s.id AND g.consumed = 0 AND g.name IN (SELECT jsonb_array_elements_text(s.waits::jsonb -> 'signals')))
          OR EXISTS (SELECT 1 FROM runs c WHERE c.id IN (SELECT jsonb_array_elements_text(s.waits::jsonb -> 'children')) AND c.status IN ('completed', 'failed', 'cancelled'))`,
      [suspends.map((op) => op.runId), waits.map((t) => JSON.stringify(t.waits)), waits.map((t) => t.wakeAt ?? null), now],
    );
    const wokenIds = new Set(woken.rows.map((r) => r.id));
    await db.query(
      `UPDATE runs r SET status = 'waiting', wake_at = s.wake_at, waits = s.waits, ready_at = CASE WHEN s.woken THEN $5 ELSE s.wake_at END,
         lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = $5
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[]) AS s(id, waits, wake_at, woken) WHERE r.id = s.id`,
      [
        suspends.map((op) => op.runId),
        waits.map((t) => JSON.stringify(t.waits)),
        waits.map((t) => t.wakeAt ?? null),
        suspends.map((op) => wokenIds.has(op.runId)),
        now,
      ],
    );
    for (const op of suspends) {
      if (!wokenIds.has(op.runId)) continue;
      hints.push({ type: 'ready', runId: op.runId });
      results[ops.indexOf(op)] = { ok: true, woken: true };
    }
  }
  if (releases.length > 0) {
    await db.query(
      "UPDATE runs SET status = 'queued', ready_at = $2, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = $2 WHERE id = ANY($1::text[])",
      [releases, now],
    );
    for (const id of releases) hints.push({ type: 'ready', runId: id });
  }
  return results.map((r) => r ?? { ok: false, reason: 'leaseLost' });
}

/** Turns rows into one array per column, for `unnest`. */
function columns<T>(items: T[], row: (item: T) => unknown[]): unknown[][] {
  const out: unknown[][] = [];
  for (const item of items) {
    row(item).forEach((value, c) => {
      (out[c] ??= []).push(value);
    });
  }
  return out;
}
