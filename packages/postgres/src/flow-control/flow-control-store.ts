/** Queues and rate limits on PostgreSQL (FlowControlStore); admission itself is part of the claim (runs/flow-control-claim.ts). */
import { conformsAt, rateParameters, type FlowControlStore, type RateDecision } from '@baton/core/store-kit';
import type { QueueRecord, RateLimit } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { DEFINE_QUEUES, SELECT_RATE, TAKE_RATE, queueRecords } from './flow-control-queries.js';

export class PostgresFlowControl implements FlowControlStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async defineQueues(queues: QueueRecord[], now: number): Promise<void> {
    if (queues.length === 0) return;
    await this.#db.transaction(async (db, hints) => {
      await db.query(DEFINE_QUEUES, [
        queues.map((q) => q.name),
        queues.map((q) => q.concurrency ?? null),
        queues.map((q) => (q.rateLimit === undefined ? null : JSON.stringify(q.rateLimit))),
        now,
      ]);
      // Limits changed: runs they held back (or now hold back) are looked at again.
      hints.push({ type: 'ready', runId: '' });
    });
  }

  async listQueues(): Promise<QueueRecord[]> {
    return this.#db.read((pool) => queueRecords(pool));
  }

  async acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision> {
    const { interval, tolerance } = rateParameters(rate);
    const taken = await this.#db.query<{ tat: number }>(TAKE_RATE, [key, now, interval, tolerance]);
    if (taken.rows[0] !== undefined) return { allowed: true, tat: taken.rows[0].tat };
    const row = (await this.#db.query<{ tat: number }>(SELECT_RATE, [key])).rows[0];
    return { allowed: false, retryAt: conformsAt(row?.tat ?? now, rate, now) };
  }
}
