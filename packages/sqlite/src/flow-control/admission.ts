/**
 * Flow control at claim time on SQLite: the limited candidates a claim read are admitted within
 * their queues' and keys' limits (admitRuns), and rate-limited ones held back until they conform.
 */
import type { QueueRecord } from '@baton/core';
import {
  admitRuns,
  queueRateKey,
  queueSlot,
  toFlowCandidate,
  toQueueRecord,
  type ClaimRequest,
  type FlowCandidateRow,
  type QueueRow,
} from '@baton/core/store-kit';
import type { Statements } from '../connection/statements.js';
import type { SqliteConnection } from '../connection/sqlite-connection.js';

/** The queues defined, with their limits. */
export function queueRecords(s: Statements): QueueRecord[] {
  return (s.listQueues.all() as QueueRow[]).map(toQueueRecord);
}

/** Admits limited candidates within their limits; holds rate-limited ones back until they conform. */
export function admitCandidates(conn: SqliteConnection, rows: FlowCandidateRow[], request: ClaimRequest, max: number): { id: string; workflow: string }[] {
  if (rows.length === 0) return [];
  const s = conn.statements;
  const queues = new Map(queueRecords(s).map((q) => [q.name, { concurrency: q.concurrency ?? null, rate: q.rateLimit ?? null }]));
  const queueNames = [...new Set(rows.map((r) => r.queue))];
  const keys = [...new Set(rows.flatMap((r) => (r.concurrency_key === null ? [] : [r.concurrency_key])))];
  const running = new Map<string, number>();
  for (const r of s.runningByQueue.all(JSON.stringify(queueNames)) as { k: string; n: number }[]) running.set(queueSlot(r.k), r.n);
  for (const r of s.runningByKey.all(JSON.stringify(keys)) as { k: string; n: number }[]) running.set(r.k, r.n);
  const limiterKeys = [...new Set([...queueNames.map(queueRateKey), ...rows.flatMap((r) => (r.rate_key === null ? [] : [r.rate_key]))])];
  const tats = new Map((s.limiters.all(JSON.stringify(limiterKeys)) as { key: string; tat: number }[]).map((r) => [r.key, r.tat]));
  const admission = admitRuns(rows.map(toFlowCandidate), { running, queues, tats }, request.now, max);
  for (const [key, tat] of admission.tats) s.setLimiter.run(key, tat);
  // A held-back run is due again when it conforms: the engine's wake timer finds it (nextWakeAt).
  for (const { id, until } of admission.delayed) s.holdBack.run({ id, until, now: request.now });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return admission.admitted.map((id) => ({ id, workflow: byId.get(id)!.workflow }));
}
