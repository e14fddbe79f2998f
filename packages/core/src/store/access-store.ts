/** The access part of the storage seam: API keys, the audit log of who did what, and the change feed. */
import type { ApiKeyRecord } from '../auth/api-keys.js';
import type { AuditEntry, AuditFilter, AuditRecord, ChangeFilter, ChangePage } from './activity.js';

export interface AccessStore {
  /** Stores a new API key (its id is new). */
  createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** False when there is no such key or it was revoked already. */
  revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean>;

  /** Writes an audit entry on its own (a call that changed nothing: refused, failed, or a repeat). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;

  /**
   * Changes after `filter.after`, oldest first, only those whose transactions have committed and
   * in an order no later commit can come before.
   */
  listChanges(filter: ChangeFilter): Promise<ChangePage>;
  /** The cursor of the feed's end: reading from it gives only changes still to come. */
  changeCursor(): Promise<string>;
  /** Deletes changes older than `before` (a time); returns how many. */
  pruneChanges(before: number): Promise<number>;
}
