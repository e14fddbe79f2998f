/**
 * The flow-control claim: under a transaction-scoped advisory lock (one admission at a time per
 * deployment, so running counts and limiter states cannot change underneath), reads the limited
 * candidates, the slots they would take and their limiters, and claims what the limits admit.
 * Rate-limited runs are held back until they conform.
 */
import { admitRuns, queueRateKey, toFlowCandidate, type ClaimRequest, type FlowCandidateRow, type RunRow } from '@baton/core/store-kit';
import type { PostgresConnection } from '../connection/connection.js';
import { DELAY_RUNS, RUNNING_COUNTS, SAVE_RATES, SELECT_RATES, queueRecords } from '../flow-control/flow-control-queries.js';
import { claimByIdQuery, limitedCandidatesQuery } from './claim-runs.js';

export async function claimAdmitted(connection: PostgresConnection, request: ClaimRequest, max: number): Promise<(RunRow & { picked_ready_at: number })[]> {
  const { sql, params } = limitedCandidatesQuery(request.workflows, request.now, Math.max(100, max * 4), request.queues);
  // Nothing due under a limit (the usual case): no transaction, no lock.
  const peek = (await connection.query<FlowCandidateRow>(sql, params)).rows;
  if (peek.length === 0) return [];
  return connection.transaction(async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:flow:${connection.schema}`]);
    const rows = (await db.query<FlowCandidateRow>(sql, params)).rows;
    if (rows.length === 0) return [];
    const queueNames = [...new Set(rows.map((r) => r.queue))];
    const keys = [...new Set(rows.flatMap((r) => (r.concurrency_key === null ? [] : [r.concurrency_key])))];
    const limiterKeys = [...new Set([...queueNames.map(queueRateKey), ...rows.flatMap((r) => (r.rate_key === null ? [] : [r.rate_key]))])];
    const counts = await db.query<{ slot: string; n: number }>(RUNNING_COUNTS, [queueNames, keys]);
    const limiters = await db.query<{ key: string; tat: number }>(SELECT_RATES, [limiterKeys]);
    const queues = new Map((await queueRecords(db)).map((q) => [q.name, { concurrency: q.concurrency ?? null, rate: q.rateLimit ?? null }]));
    const admission = admitRuns(
      rows.map(toFlowCandidate),
      { running: new Map(counts.rows.map((c) => [c.slot, c.n])), queues, tats: new Map(limiters.rows.map((l) => [l.key, l.tat])) },
      request.now,
      max,
    );
    if (admission.tats.size > 0) {
      await db.query(SAVE_RATES, [[...admission.tats.keys()], [...admission.tats.values()]]);
    }
    if (admission.delayed.length > 0) {
      // A held-back run is due again when it conforms: the engines' wake timers find it (nextWakeAt).
      await db.query(DELAY_RUNS, [admission.delayed.map((d) => d.id), admission.delayed.map((d) => d.until), request.now]);
    }
    if (admission.admitted.length === 0) return [];
    const claim = claimByIdQuery(request.workflows, request.owner, request.now, request.leaseMs, admission.admitted);
    const claimed = (await db.query<RunRow & { picked_ready_at: number }>(claim.sql, claim.params)).rows;
    const order = new Map(admission.admitted.map((id, i) => [id, i]));
    return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  });
}
