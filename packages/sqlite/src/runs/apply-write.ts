/** Applies one fenced WriteOp inside the group-commit transaction. */
import type { NewRun, SignalRecord } from '@baton/core';
import { errorText, endStatus, finishedHint, type StoreHint, type WriteOp, type WriteResult } from '@baton/core/store-kit';
import type { Statements } from '../connection/statements.js';
import { writeAudit } from '../access/write-audit.js';

/** The parameters of a run's insert. */
export function runParams(run: NewRun, now: number) {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    input: run.input,
    queue: run.queue,
    priority: run.priority,
    parentId: run.parentId ?? null,
    parentSeq: run.parentSeq ?? null,
    continuedFrom: run.continuedFrom ?? null,
    concurrencyKey: run.concurrencyKey ?? null,
    concurrencyLimit: run.concurrencyLimit ?? null,
    rateKey: run.rateKey ?? null,
    rateLimit: run.rateLimit === undefined ? null : JSON.stringify(run.rateLimit),
    namespace: run.namespace ?? 'default',
    tags: tagsText(run.tags),
    now,
  };
}

/** A run's tags as stored: a JSON array, or NULL for none. */
export function tagsText(tags: string[] | undefined): string | null {
  return tags === undefined || tags.length === 0 ? null : JSON.stringify(tags);
}

export function insertQueuedRun(s: Statements, run: NewRun, now: number): boolean {
  return s.insertQueuedRun.run(runParams(run, now)).changes > 0;
}

/** Applies an op and, when it applied, writes its audit entry and its inbox claim. */
export function applyAudited(s: Statements, op: WriteOp, now: number, hints: StoreHint[]): WriteResult {
  const result = applyWrite(s, op, now, hints);
  if (!result.ok) return result;
  writeAudit(s, op.audit);
  const claim = op.inboxClaim;
  if (claim !== undefined) s.upsertInboxClaim.run(claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt);
  return result;
}

export function applyWrite(s: Statements, op: WriteOp, now: number, hints: StoreHint[]): WriteResult {
  if (op.create !== undefined && op.create.leaseOwner === undefined) {
    if (!insertQueuedRun(s, op.create, now)) return { ok: false, reason: 'exists' };
    hints.push({ type: 'ready', runId: op.create.id });
    return { ok: true };
  }
  if (op.create !== undefined) {
    const created = s.insertClaimedRun.run({
      ...runParams(op.create, now),
      leaseOwner: op.create.leaseOwner,
      leaseToken: op.leaseToken,
      leaseExpiresAt: op.create.leaseExpiresAt ?? now,
    });
    if (created.changes === 0) return { ok: false, reason: 'exists' };
  } else {
    const fence = s.fence.get(op.runId) as { token: string | null; status: string } | undefined;
    if (fence === undefined || fence.token !== op.leaseToken || fence.status !== 'running') return { ok: false, reason: 'leaseLost' };
  }
  for (const e of op.journal ?? []) {
    s.insertJournal.run({
      runId: op.runId,
      seq: e.seq,
      kind: e.kind,
      name: e.name,
      status: e.status,
      input: e.input ?? null,
      output: e.output ?? null,
      error: errorText(e.error),
      attempts: e.attempts,
      startedAt: e.startedAt,
      endedAt: e.endedAt,
      compensates: e.compensates ?? null,
    });
  }
  for (const id of op.consumeSignals ?? []) s.consumeSignal.run(id, op.runId);
  for (const r of op.stepRetries ?? []) s.upsertStepRetry.run(op.runId, r.seq, r.attempts, r.nextAttemptAt, errorText(r.error));
  for (const run of op.createRuns ?? []) {
    if (insertQueuedRun(s, run, now)) hints.push({ type: 'ready', runId: run.id });
  }
  if (op.progress !== undefined) s.setProgress.run(op.progress, now, op.runId);
  if (op.compensate !== undefined) {
    const { endStatus, error, plan } = op.compensate;
    s.enterCompensation.run(endStatus, errorText(error), JSON.stringify(plan), now, op.runId);
  }
  const t = op.transition;
  if (t === undefined) return { ok: true };
  // A run leaving 'running' frees its concurrency slot: engines waiting for one look again.
  if (s.holdsSlot.get(op.runId) !== undefined) hints.push({ type: 'ready', runId: op.runId });
  switch (t.kind) {
    case 'complete':
    case 'fail':
    case 'cancel':
    case 'continue': {
      const status = endStatus(t);
      s.finish.run({
        id: op.runId,
        status,
        output: t.kind === 'complete' ? t.output : null,
        error: t.kind === 'fail' || t.kind === 'cancel' ? errorText(t.error) : null,
        continuedTo: t.kind === 'continue' ? t.nextRunId : null,
        now,
      });
      s.deleteStepRetries.run(op.runId);
      hints.push(finishedHint(op.runId, t));
      releaseHeld(s, op.runId, now, hints);
      if (t.kind !== 'continue') {
        const row = s.parentOf.get(op.runId) as { parent_id: string | null } | undefined;
        if (row?.parent_id != null && s.wakeParent.run({ parentId: row.parent_id, childId: op.runId, now }).changes > 0) {
          hints.push({ type: 'ready', runId: row.parent_id });
        }
      }
      return { ok: true };
    }
    case 'suspend': {
      const signals = JSON.stringify(t.waits.signals);
      const children = JSON.stringify(t.waits.children);
      const cancelled = (s.cancelFlag.get(op.runId) as { cancel_requested: number }).cancel_requested === 1;
      const woken =
        cancelled ||
        (t.waits.signals.length > 0 && s.pendingSignalFor.get(op.runId, signals) !== undefined) ||
        (t.waits.children.length > 0 && s.endedChildAmong.get(children) !== undefined) ||
        (t.wakeAt !== undefined && t.wakeAt <= now);
      s.suspend.run({ id: op.runId, wakeAt: t.wakeAt ?? null, waits: JSON.stringify(t.waits), readyAt: woken ? now : (t.wakeAt ?? null), now });
      if (woken) hints.push({ type: 'ready', runId: op.runId });
      return woken ? { ok: true, woken: true } : { ok: true };
    }
    case 'release':
      if (t.limits !== undefined) {
        const { concurrencyKey, concurrencyLimit, rateKey, rateLimit } = runParams({ ...t.limits, id: op.runId } as NewRun, now);
        s.restartWithLimits.run({ id: op.runId, concurrencyKey, concurrencyLimit, rateKey, rateLimit });
      }
      s.release.run({ id: op.runId, now });
      hints.push({ type: 'ready', runId: op.runId });
      return { ok: true };
  }
}

/** Stores a signal for a run and wakes the run if it waits for that name. */
export function storeSignal(s: Statements, runId: string, name: string, payload: string, now: number, hints: StoreHint[]): SignalRecord {
  const { id } = s.insertSignal.get(runId, name, payload, now) as { id: number };
  const signal: SignalRecord = { id, runId, name, payload, createdAt: now };
  hints.push({ type: 'signal', runId, signal });
  if (s.wakeForSignal.run({ id: runId, name, now }).changes > 0) hints.push({ type: 'ready', runId });
  return signal;
}

/** Runs held until `runId` ended (a schedule's next run) are ready now. */
export function releaseHeld(s: Statements, runId: string, now: number, hints: StoreHint[]): void {
  for (const { id } of s.releaseHeld.all({ id: runId, now }) as { id: string }[]) hints.push({ type: 'ready', runId: id });
}
