/** Cost reports and agent policies on SQLite (GovernanceStore). */
import { AgentPolicy, type AgentPolicyRecord, type AuditEntry, type CostFilter, type CostReport } from '@baton/core';
import { assertCostFilter, toCostReport, type CostDayRow, type GovernanceStore } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { costQueries } from './cost-queries.js';

interface PolicyRow {
  namespace: string;
  policy: string;
  updated_at: number;
  updated_by: string;
}

function toPolicyRecord(row: PolicyRow): AgentPolicyRecord {
  return { namespace: row.namespace, policy: AgentPolicy.parse(JSON.parse(row.policy)), updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export class SqliteGovernanceStore implements GovernanceStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async costs(filter: CostFilter): Promise<CostReport> {
    this.#conn.ensureInitialized();
    assertCostFilter(filter);
    const params = { from: filter.from, to: filter.to, ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }) };
    const rows = this.#conn.snapshot(() =>
      costQueries(filter.groupBy, filter.namespace !== undefined).flatMap((sql) => this.#conn.db.prepare(sql).all(params) as CostDayRow[]),
    ) as CostDayRow[];
    return toCostReport(filter, rows);
  }

  async getAgentPolicy(namespace: string): Promise<AgentPolicyRecord | undefined> {
    this.#conn.ensureInitialized();
    const row = this.#conn.db.prepare('SELECT * FROM agent_policies WHERE namespace = ?').get(namespace) as PolicyRow | undefined;
    return row === undefined ? undefined : toPolicyRecord(row);
  }

  async listAgentPolicies(): Promise<AgentPolicyRecord[]> {
    this.#conn.ensureInitialized();
    return (this.#conn.db.prepare('SELECT * FROM agent_policies ORDER BY namespace').all() as PolicyRow[]).map(toPolicyRecord);
  }

  async putAgentPolicy(record: AgentPolicyRecord, audit?: AuditEntry): Promise<void> {
    const policy = JSON.stringify(AgentPolicy.parse(record.policy));
    this.#conn.write(() => {
      this.#conn.db
        .prepare(
          `INSERT INTO agent_policies (namespace, policy, updated_at, updated_by) VALUES (?, ?, ?, ?)
           ON CONFLICT (namespace) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(record.namespace, policy, record.updatedAt, record.updatedBy);
      writeAudit(this.#conn.statements, audit);
    });
  }

  async deleteAgentPolicy(namespace: string, audit?: AuditEntry): Promise<boolean> {
    return this.#conn.write(() =>
      this.#conn.audited(this.#conn.db.prepare('DELETE FROM agent_policies WHERE namespace = ?').run(namespace).changes > 0, audit),
    );
  }
}
