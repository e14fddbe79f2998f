/**
 * Audit entries written with the change they record: in the change's transaction, or in the same
 * statement as the change, so an entry exists exactly when its change does.
 */
import type { AuditEntry } from '@baton/core';
import { AUDIT_COLUMNS, auditValues } from '@baton/core/store-kit';
import type pg from 'pg';
import type { PostgresConnection } from '../connection/connection.js';
import { auditIfAny } from './activity.js';

/** Writes an audit entry (given with a change) in the change's transaction. */
export async function writeAudit(db: pg.Pool | pg.ClientBase, audit: AuditEntry | undefined): Promise<void> {
  if (audit !== undefined) await db.query(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, auditValues(audit));
}

/**
 * One statement that makes a change (`sql`, with RETURNING) and, if it changed a row, writes
 * `audit` with it; the statement's rows are returned.
 */
export async function audited<R extends pg.QueryResultRow>(
  connection: PostgresConnection,
  sql: string,
  values: unknown[],
  audit: AuditEntry | undefined,
): Promise<pg.QueryResult<R>> {
  if (audit === undefined) return connection.query<R>(sql, values);
  return connection.query<R>(`WITH changed AS (${sql}), audited AS (${auditIfAny('changed', values.length + 1)}) SELECT * FROM changed`, [
    ...values,
    ...auditValues(audit),
  ]);
}
