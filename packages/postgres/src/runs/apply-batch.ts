/**
 * Applies a whole group commit in one statement, whatever its size: the batch goes to the server as
 * JSON, split by table, and `apply_batch` (functions/apply_batch.sql) fences and
 * applies it set-based and sends the commit's notices. Round trips are what a commit costs on PostgreSQL beyond
 * its WAL flush, so in autocommit this is one round trip and one flush. The per-op path
 * (apply-write.ts) remains for the rare batch that breaks a constraint.
 */
import type { NewRun } from '@baton/core';
import { endStatus, errorText, finishedOutcome, type RunOutcome, type StoreHint, type WriteOp, type WriteResult } from '@baton/core/store-kit';
import type pg from 'pg';

/** What `apply_batch` reports: op indexes by outcome, and the runs the commit made ready or ended. */
interface BatchOutcome {
  exists: number[];
  queued: number[];
  live: number[];
  woken: number[];
  ready: string[];
  finished: [string, string][];
}

/** A new run as `runs` columns. */
function runColumns(run: NewRun): Record<string, unknown> {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    input: run.input,
    queue: run.queue,
    priority: run.priority,
    parent_id: run.parentId ?? null,
    parent_seq: run.parentSeq ?? null,
    continued_from: run.continuedFrom ?? null,
    ...limitColumns(run),
    namespace: run.namespace ?? 'default',
    tags: tagsText(run.tags),
  };
}

/** A run's tags as stored: a JSON array, or NULL for none. */
export function tagsText(tags: string[] | undefined): string | null {
  return tags === undefined || tags.length === 0 ? null : JSON.stringify(tags);
}

/** A new run's limits, as `runs` columns. */
export function limitColumns(run: NewRun): {
  concurrency_key: string | null;
  concurrency_limit: number | null;
  rate_key: string | null;
  rate_limit: string | null;
} {
  return {
    concurrency_key: run.concurrencyKey ?? null,
    concurrency_limit: run.concurrencyLimit ?? null,
    rate_key: run.rateKey ?? null,
    rate_limit: run.rateLimit === undefined ? null : JSON.stringify(run.rateLimit),
  };
}

/** The batch as `apply_batch` takes it: one array of rows per kind of change, each row tagged with its op's index. */
export function batchPayload(ops: WriteOp[]): string {
  const rows: Record<string, unknown[]> = {
    creates: [],
    fenced: [],
    journal: [],
    consumed: [],
    retries: [],
    newRuns: [],
    progress: [],
    compensate: [],
    finishes: [],
    suspends: [],
    releases: [],
    audit: [],
    claims: [],
  };
  ops.forEach((op, i) => {
    const id = op.runId;
    if (op.audit !== undefined) rows.audit!.push({ i, ...op.audit, detail: op.audit.detail ?? null });
    const claim = op.inboxClaim;
    if (claim !== undefined) rows.claims!.push({ i, run_id: claim.runId, assignee: claim.assignee, claimed_by: claim.claimedBy, claimed_at: claim.claimedAt });
    const c = op.create;
    if (c !== undefined) {
      const claimed = c.leaseOwner !== undefined;
      rows.creates!.push({
        i,
        ...runColumns(c),
        owner: c.leaseOwner ?? null,
        token: claimed ? op.leaseToken : null,
        expires: claimed ? (c.leaseExpiresAt ?? null) : null,
      });
      // A queued creation has no other parts.
      if (!claimed) return;
    } else {
      rows.fenced!.push({ i, id, token: op.leaseToken });
    }
    for (const e of op.journal ?? []) {
      rows.journal!.push({
        i,
        run_id: id,
        seq: e.seq,
        kind: e.kind,
        name: e.name,
        status: e.status,
        input: e.input ?? null,
        output: e.output ?? null,
        error: errorText(e.error),
        attempts: e.attempts,
        started_at: e.startedAt,
        ended_at: e.endedAt,
        compensates: e.compensates ?? null,
      });
    }
    for (const signalId of op.consumeSignals ?? []) rows.consumed!.push({ i, run_id: id, id: signalId });
    for (const r of op.stepRetries ?? []) {
      rows.retries!.push({
        i,
        n: rows.retries!.length,
        run_id: id,
        seq: r.seq,
        attempts: r.attempts,
        next_attempt_at: r.nextAttemptAt,
        error: errorText(r.error),
      });
    }
    for (const r of op.createRuns ?? []) {
      rows.newRuns!.push({ i, ...runColumns(r) });
    }
    if (op.progress !== undefined) rows.progress!.push({ i, n: rows.progress!.length, id, progress: op.progress });
    if (op.compensate !== undefined) {
      const { endStatus, error, plan } = op.compensate;
      rows.compensate!.push({ i, id, end_status: endStatus, error: errorText(error), plan: JSON.stringify(plan) });
    }
    const t = op.transition;
    if (t === undefined) return;
    if (t.kind === 'suspend') rows.suspends!.push({ i, id, waits: JSON.stringify(t.waits), wake_at: t.wakeAt ?? null });
    else if (t.kind === 'release') rows.releases!.push({ i, id, relimit: t.limits !== undefined, ...limitColumns({ ...t.limits } as NewRun) });
    else {
      rows.finishes!.push({
        i,
        id,
        status: endStatus(t),
        output: t.kind === 'complete' ? t.output : null,
        error: t.kind === 'fail' || t.kind === 'cancel' ? errorText(t.error) : null,
        continued_to: t.kind === 'continue' ? t.nextRunId : null,
        // A run continued as new hands its place to the next run: its parent waits on.
        wakes_parent: t.kind !== 'continue',
      });
    }
  });
  return JSON.stringify(rows);
}

/**
 * Commits `ops` with one call of `apply_batch` (on a pooled connection, in autocommit) and returns
 * each op's result; the hints for this process's listeners go to `hints`. `channel` is where the
 * function sends the notices for other processes (none when undefined).
 */
export async function applyBatch(
  db: pg.Pool | pg.ClientBase,
  ops: WriteOp[],
  now: number,
  channel: string | undefined,
  hints: StoreHint[],
): Promise<WriteResult[]> {
  const { rows } = await db.query<{ outcome: BatchOutcome }>({
    name: 'baton_apply_batch',
    text: 'SELECT apply_batch($1::jsonb, $2::bigint, $3::text) AS outcome',
    values: [batchPayload(ops), now, channel ?? null],
  });
  const outcome = rows[0]!.outcome;
  for (const runId of outcome.ready) hints.push({ type: 'ready', runId });
  const ended = outcome.finished.length === 0 ? undefined : endedByOps(ops, outcome.live);
  for (const [runId, status] of outcome.finished) {
    // The commit has returned: the outcome an op wrote is durable and may go to waiters in this process.
    const known = ended?.get(runId);
    hints.push({ type: 'finished', runId, status: status as 'completed', ...(known?.status === status ? { outcome: known } : {}) });
  }
  const results: WriteResult[] = ops.map(() => ({ ok: false, reason: 'leaseLost' }));
  for (const i of outcome.exists) results[i] = { ok: false, reason: 'exists' };
  for (const i of [...outcome.queued, ...outcome.live]) results[i] = { ok: true };
  for (const i of outcome.woken) results[i] = { ok: true, woken: true };
  return results;
}

/** The outcomes the applied (`live`) ops of a batch gave the runs they ended, by run id. */
function endedByOps(ops: WriteOp[], live: number[]): Map<string, RunOutcome> {
  const ended = new Map<string, RunOutcome>();
  for (const i of live) {
    const op = ops[i];
    const outcome = op?.transition === undefined ? undefined : finishedOutcome(op.transition);
    if (op !== undefined && outcome !== undefined) ended.set(op.runId, outcome);
  }
  return ended;
}
