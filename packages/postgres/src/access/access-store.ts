/** API keys, the audit log and the change feed on PostgreSQL (AccessStore); the feed's positions are explained in activity.ts. */
import { toApiKeyRecord, toAuditRecord, toChangeRecord, type AccessStore, type ApiKeyRow, type AuditRow, type ChangeRow } from '@baton/core/store-kit';
import type { ApiKeyRecord, AuditEntry, AuditFilter, AuditRecord, ChangeFilter, ChangePage } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { PRUNE_CHANGES, listAuditQuery, listChangesQuery, parsePosition, positionBefore, positionText, type ChangePosition } from './activity.js';
import { CHANGE_CURSOR, INSERT_API_KEY, LIST_API_KEYS, REVOKE_API_KEY, SELECT_API_KEY } from './api-key-queries.js';
import { audited, writeAudit } from './audit-writes.js';

export class PostgresAccess implements AccessStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void> {
    await audited(
      this.#db,
      INSERT_API_KEY,
      [key.id, key.name, key.role, key.namespace, key.namespaces === undefined ? null : JSON.stringify(key.namespaces), key.hash, key.createdAt],
      audit,
    );
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = (await this.#db.query<ApiKeyRow>(SELECT_API_KEY, [id])).rows[0];
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.#db.query<ApiKeyRow>(LIST_API_KEYS)).rows.map(toApiKeyRecord);
  }

  async revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean> {
    return (await audited(this.#db, REVOKE_API_KEY, [id, now], audit)).rows.length > 0;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#db.read((pool) => writeAudit(pool, entry));
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    const { sql, params } = listAuditQuery(filter);
    return (await this.#db.query<AuditRow>(sql, params)).rows.map(toAuditRecord);
  }

  async listChanges(filter: ChangeFilter): Promise<ChangePage> {
    const after: ChangePosition = filter.after === undefined ? [0n, 0n] : parsePosition(filter.after);
    const { sql, params } = listChangesQuery(filter, after);
    type Row = ChangeRow & { id: string | null; position_xid: string | null; horizon: string; pruned_xid: string | null; pruned_id: string | null };
    const rows = (await this.#db.query<Row>(sql, params)).rows;
    const first = rows[0]!;
    const found = rows.filter((row) => row.id !== null);
    const last = found[found.length - 1];
    const horizon: ChangePosition = [BigInt(first.horizon), 0n];
    let cursor: ChangePosition = after;
    if (found.length === filter.limit && last !== undefined) cursor = [BigInt(last.position_xid!), BigInt(last.id!)];
    else if (positionBefore(after, horizon)) cursor = horizon;
    const pruned: ChangePosition | undefined = first.pruned_xid === null ? undefined : [BigInt(first.pruned_xid), BigInt(first.pruned_id!)];
    return {
      changes: found.map((row) => toChangeRecord(row, positionText([BigInt(row.position_xid!), BigInt(row.id!)]))),
      cursor: positionText(cursor),
      gap: filter.after !== undefined && pruned !== undefined && positionBefore(after, pruned),
    };
  }

  async changeCursor(): Promise<string> {
    const row = (await this.#db.query<{ xmin: string }>(CHANGE_CURSOR)).rows[0]!;
    return positionText([BigInt(row.xmin), 0n]);
  }

  async pruneChanges(before: number): Promise<number> {
    let deleted = 0;
    // In chunks, each its own transaction, so no writer waits for a long delete.
    for (;;) {
      const n = (await this.#db.query<{ n: number }>(PRUNE_CHANGES, [before])).rows[0]!.n;
      deleted += n;
      if (n < 5000) return deleted;
    }
  }
}
