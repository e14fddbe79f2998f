/** Access statements on SQLite: the audit log's insert, the change feed's head, an API key by id. */
import { AUDIT_COLUMNS } from '@baton/core/store-kit';

export const ACCESS_SQL = {
  insertAudit: `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  // Two subqueries: SQLite reads MIN or MAX alone from the index end, both at once by a scan.
  changeHead: 'SELECT COALESCE((SELECT MAX(id) FROM changes), 0) AS head, (SELECT MIN(id) FROM changes) AS oldest',
  apiKey: 'SELECT * FROM api_keys WHERE id = ?',
} as const;
