/** Replay checks on SQLite: a report is one write transaction with its audit entry; reads by check and by run. */
import type { AuditEntry, NewReplayCheck, ReplayCheckInfo, ReplayCheckRecord, RunReplayRecord } from '@baton/core';
import type { ReplayStore } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import * as replays from './replay-queries.js';

export class SqliteReplayStore implements ReplayStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async recordReplays(check: NewReplayCheck, now: number, audit?: AuditEntry): Promise<ReplayCheckInfo> {
    this.#conn.ensureInitialized();
    return this.#conn.write(() => {
      const info = replays.recordReplays(this.#conn.db, check, now);
      writeAudit(this.#conn.statements, audit);
      return info;
    });
  }

  async getReplayCheck(id: string): Promise<ReplayCheckRecord | undefined> {
    this.#conn.ensureInitialized();
    return replays.getReplayCheck(this.#conn.db, id);
  }

  async listReplays(runId: string, limit?: number): Promise<RunReplayRecord[]> {
    this.#conn.ensureInitialized();
    return replays.listReplays(this.#conn.db, runId, limit);
  }
}
