/** The audit entry a change is given, written in the change's own transaction. */
import type { AuditEntry } from '@baton/core';
import { auditValues } from '@baton/core/store-kit';
import type { Statements } from '../connection/statements.js';

/** Writes an audit entry (given with a change) in the change's transaction. */
export function writeAudit(s: Statements, audit: AuditEntry | undefined): void {
  if (audit !== undefined) s.insertAudit.run(...auditValues(audit));
}
