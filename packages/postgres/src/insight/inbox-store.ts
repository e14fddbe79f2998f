/** The approval inbox on PostgreSQL (InboxStore): waiting runs a person must answer, and who has claimed them. */
import { assertWaitingForPerson, toInboxPage, toRunRecord, type InboxRow, type InboxStore } from '@baton/core/store-kit';
import type { AuditEntry, InboxClaim, InboxFilter, InboxPage } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { audited, writeAudit } from '../access/audit-writes.js';
import { lockRun } from '../runs/run-queries.js';
import { RELEASE_CLAIM, UPSERT_CLAIM, listInboxQuery } from './inbox-queries.js';

export class PostgresInbox implements InboxStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async listInbox(filter: InboxFilter): Promise<InboxPage> {
    const { sql, params } = listInboxQuery(filter);
    return toInboxPage((await this.#db.query<InboxRow>(sql, params)).rows, filter.limit);
  }

  async claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim> {
    return this.#db.transaction(async (db) => {
      // The row lock orders the claim against the run's own changes: it sees the wait as it is.
      assertWaitingForPerson(toRunRecord(await lockRun(db, claim.runId)));
      await db.query(UPSERT_CLAIM, [claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt]);
      await writeAudit(db, audit);
      return claim;
    });
  }

  async releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean> {
    return (await audited(this.#db, RELEASE_CLAIM, [runId], audit)).rows.length > 0;
  }
}
