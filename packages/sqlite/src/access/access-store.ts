/** Access on SQLite: API keys, the audit log and the change feed. */
import { BatonError, ErrorCode, type ApiKeyRecord, type AuditEntry, type AuditFilter, type AuditRecord, type ChangeFilter, type ChangePage } from '@baton/core';
import { toApiKeyRecord, toAuditRecord, toChangeRecord, type AccessStore, type ApiKeyRow, type AuditRow, type ChangeRow } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from './write-audit.js';
import { CHANGE_WINDOW, listAuditQuery, listChangesQuery } from './activity.js';

export class SqliteAccessStore implements AccessStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void> {
    this.#conn.write(() => {
      this.#conn.db
        .prepare('INSERT INTO api_keys (id, name, role, namespace, namespaces, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)')
        .run(key.id, key.name, key.role, key.namespace, key.namespaces === undefined ? null : JSON.stringify(key.namespaces), key.hash, key.createdAt);
      writeAudit(this.#conn.statements, audit);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#conn.statements.apiKey.get(id) as ApiKeyRow | undefined;
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.#conn.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as ApiKeyRow[]).map(toApiKeyRecord);
  }

  async revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean> {
    return this.#conn.write(() =>
      this.#conn.audited(this.#conn.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0, audit),
    );
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#conn.write(() => writeAudit(this.#conn.statements, entry));
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    this.#conn.ensureInitialized();
    const { sql, params } = listAuditQuery(filter);
    return (this.#conn.db.prepare(sql).all(params) as AuditRow[]).map(toAuditRecord);
  }

  async listChanges(filter: ChangeFilter): Promise<ChangePage> {
    const s = this.#conn.statements;
    const after = filter.after === undefined ? 0 : changeId(filter.after);
    // One read transaction: the head and the rows come from the same snapshot.
    return this.#conn.snapshot(() => {
      const { head, oldest } = s.changeHead.get() as { head: number; oldest: number | null };
      const { sql, params } = listChangesQuery(filter, after);
      const rows = this.#conn.db.prepare(sql).all(params) as (ChangeRow & { id: number })[];
      const end = rows.length === filter.limit ? rows[rows.length - 1]!.id : Math.max(after, Math.min(head, after + CHANGE_WINDOW));
      return {
        changes: rows.map((row) => toChangeRecord(row, String(row.id))),
        cursor: String(end),
        gap: after < head && after + 1 < (oldest ?? head + 1),
      };
    }) as ChangePage;
  }

  async changeCursor(): Promise<string> {
    return String((this.#conn.statements.changeHead.get() as { head: number }).head);
  }

  async pruneChanges(before: number): Promise<number> {
    this.#conn.ensureInitialized();
    const boundary = this.#conn.db.prepare('SELECT id FROM changes WHERE at >= ? ORDER BY id LIMIT 1').get(before) as { id: number } | undefined;
    // The newest change is always kept: the next id is one past it, so no id is given out twice.
    const upTo = boundary?.id ?? (this.#conn.statements.changeHead.get() as { head: number }).head;
    let deleted = 0;
    // In chunks, so writers wait for no long transaction.
    for (;;) {
      const n = this.#conn.write(() => this.#conn.db.prepare('DELETE FROM changes WHERE id < MIN(?, (SELECT MIN(id) FROM changes) + 5000)').run(upTo).changes);
      deleted += n;
      if (n === 0) return deleted;
    }
  }
}

/** A change cursor as the SQLite feed's position (a change id). */
function changeId(cursor: string): number {
  const id = /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isSafeInteger(id))
    throw new BatonError(ErrorCode.InvalidArgument, `Not a change cursor of this store: ${JSON.stringify(cursor.slice(0, 50))}.`, { retryable: false });
  return id;
}
