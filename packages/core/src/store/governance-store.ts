/** The governance part of the storage seam: cost reports and the namespaces' agent policies. */
import type { AuditEntry } from './activity.js';
import type { CostFilter, CostReport } from './costs.js';
import type { AgentPolicyRecord } from '../governance/agent-policy-rules.js';

export interface GovernanceStore {
  /**
   * Model spend and runs per namespace, workflow or tag over a period (see costs.ts). Read-only,
   * from aggregates. Throws BATON_INVALID_ARGUMENT for a period that is not whole UTC days or too long.
   */
  costs(filter: CostFilter): Promise<CostReport>;

  /** A namespace's agent policy, if one is set. */
  getAgentPolicy(namespace: string): Promise<AgentPolicyRecord | undefined>;
  /** Every namespace's policy, by namespace. */
  listAgentPolicies(): Promise<AgentPolicyRecord[]>;
  /** Sets (replaces) a namespace's policy, with its audit entry in the same transaction. */
  putAgentPolicy(record: AgentPolicyRecord, audit?: AuditEntry): Promise<void>;
  /** Removes a namespace's policy; false (and no audit entry written) when it had none. */
  deleteAgentPolicy(namespace: string, audit?: AuditEntry): Promise<boolean>;
}
