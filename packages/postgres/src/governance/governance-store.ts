/** Cost reports and agent policies on PostgreSQL (GovernanceStore). */
import { AgentPolicy, type AgentPolicyRecord, type AuditEntry, type CostFilter, type CostReport } from '@baton/core';
import { assertCostFilter, toCostReport, type CostDayRow, type GovernanceStore } from '@baton/core/store-kit';
import type { PostgresConnection } from '../connection/connection.js';
import { audited, writeAudit } from '../access/audit-writes.js';
import { costQueries } from './cost-queries.js';

interface PolicyRow {
  namespace: string;
  policy: unknown;
  updated_at: string | number;
  updated_by: string;
}

function toPolicyRecord(row: PolicyRow): AgentPolicyRecord {
  return { namespace: row.namespace, policy: AgentPolicy.parse(row.policy), updatedAt: Number(row.updated_at), updatedBy: row.updated_by };
}

export class PostgresGovernance implements GovernanceStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async costs(filter: CostFilter): Promise<CostReport> {
    assertCostFilter(filter);
    const rows = await this.#db.transaction(async (db) => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const all: CostDayRow[] = [];
      for (const query of costQueries(filter)) all.push(...(await db.query<CostDayRow & Record<string, unknown>>(query.sql, query.params)).rows);
      return all;
    });
    return toCostReport(filter, rows);
  }

  async getAgentPolicy(namespace: string): Promise<AgentPolicyRecord | undefined> {
    const row = (await this.#db.query<PolicyRow & Record<string, unknown>>('SELECT * FROM agent_policies WHERE namespace = $1', [namespace])).rows[0];
    return row === undefined ? undefined : toPolicyRecord(row);
  }

  async listAgentPolicies(): Promise<AgentPolicyRecord[]> {
    return (await this.#db.query<PolicyRow & Record<string, unknown>>('SELECT * FROM agent_policies ORDER BY namespace')).rows.map(toPolicyRecord);
  }

  async putAgentPolicy(record: AgentPolicyRecord, audit?: AuditEntry): Promise<void> {
    const policy = JSON.stringify(AgentPolicy.parse(record.policy));
    await this.#db.transaction(async (db) => {
      await db.query(
        `INSERT INTO agent_policies (namespace, policy, updated_at, updated_by) VALUES ($1, $2::jsonb, $3, $4)
         ON CONFLICT (namespace) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [record.namespace, policy, record.updatedAt, record.updatedBy],
      );
      await writeAudit(db, audit);
    });
  }

  async deleteAgentPolicy(namespace: string, audit?: AuditEntry): Promise<boolean> {
    return (await audited(this.#db, 'DELETE FROM agent_policies WHERE namespace = $1 RETURNING namespace', [namespace], audit)).rows.length > 0;
  }
}
