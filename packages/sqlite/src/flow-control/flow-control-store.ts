/** Flow control on SQLite: the queues' limits, and rate limiters taken one event at a time. */
import type { QueueRecord, RateLimit } from '@baton/core';
import { conformsAt, rateParameters, type FlowControlStore, type RateDecision } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { queueRecords } from './admission.js';

export class SqliteFlowControlStore implements FlowControlStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async defineQueues(queues: QueueRecord[], now: number): Promise<void> {
    const s = this.#conn.statements;
    this.#conn.write((hints) => {
      for (const q of queues) s.upsertQueue.run(q.name, q.concurrency ?? null, q.rateLimit === undefined ? null : JSON.stringify(q.rateLimit), now);
      // Limits changed: runs they held back (or now hold back) are looked at again.
      hints.push({ type: 'ready', runId: '' });
    });
  }

  async listQueues(): Promise<QueueRecord[]> {
    return queueRecords(this.#conn.statements);
  }

  async acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision> {
    const s = this.#conn.statements;
    const { interval, tolerance } = rateParameters(rate);
    return this.#conn.write(() => {
      const taken = s.takeRate.get({ key, now, interval, tolerance }) as { tat: number } | undefined;
      if (taken !== undefined) return { allowed: true, tat: taken.tat };
      return { allowed: false, retryAt: conformsAt((s.limiter.get(key) as { tat: number }).tat, rate, now) };
    });
  }
}
