/** The approval inbox on SQLite: runs waiting for a person, and who has claimed them. */
import type { AuditEntry, InboxClaim, InboxFilter, InboxPage } from '@baton/core';
import { assertWaitingForPerson, toInboxPage, toRunRecord, type InboxRow, type InboxStore } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { UPSERT_CLAIM, listInboxQuery } from './inbox-queries.js';

export class SqliteInboxStore implements InboxStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async listInbox(filter: InboxFilter): Promise<InboxPage> {
    this.#conn.ensureInitialized();
    const { sql, params } = listInboxQuery(filter);
    return toInboxPage(this.#conn.db.prepare(sql).all(params) as InboxRow[], filter.limit);
  }

  async claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim> {
    const s = this.#conn.statements;
    return this.#conn.write(() => {
      assertWaitingForPerson(toRunRecord(this.#conn.existing(claim.runId)));
      this.#conn.db.prepare(UPSERT_CLAIM).run(claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt);
      writeAudit(s, audit);
      return claim;
    });
  }

  async releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean> {
    this.#conn.ensureInitialized();
    return this.#conn.write(() => this.#conn.audited(this.#conn.db.prepare('DELETE FROM inbox_claims WHERE run_id = ?').run(runId).changes > 0, audit));
  }
}
