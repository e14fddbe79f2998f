/** Replay checks on PostgreSQL (ReplayStore): a report is one transaction with its audit entry. */
import type { ReplayStore } from '@baton/core/store-kit';
import type { AuditEntry, NewReplayCheck, ReplayCheckInfo, ReplayCheckRecord, RunReplayRecord } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { writeAudit } from '../access/audit-writes.js';
import * as replays from './replay-queries.js';

export class PostgresReplays implements ReplayStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async recordReplays(check: NewReplayCheck, now: number, audit?: AuditEntry): Promise<ReplayCheckInfo> {
    this.#db.assertInitialized();
    return this.#db.transaction(async (db) => {
      const info = await replays.recordReplays(db, this.#db.schema, check, now);
      await writeAudit(db, audit);
      return info;
    });
  }

  async getReplayCheck(id: string): Promise<ReplayCheckRecord | undefined> {
    return this.#db.read((pool) => replays.getReplayCheck(pool, id));
  }

  async listReplays(runId: string, limit?: number): Promise<RunReplayRecord[]> {
    return this.#db.read((pool) => replays.listReplays(pool, runId, limit));
  }
}
