/**
 * What an agent policy is: per namespace, allow and deny lists of the models, tools and MCP servers
 * its runs may use, and the pure rule that decides a name (see agent-policy.ts for how runs apply it).
 */
import { z } from 'zod';

/** What a policy governs. */
export const PolicySubject = { Model: 'model', Tool: 'tool', McpServer: 'mcpServer' } as const;
export type PolicySubject = (typeof PolicySubject)[keyof typeof PolicySubject];

const Name = z.string().min(1).max(200);
const Rule = z.strictObject({ allow: z.array(Name).max(500).optional(), deny: z.array(Name).max(500).optional() });

/**
 * A namespace's policy. Each list holds names or prefixes ending in `*` (`openai:*`). A name is
 * refused when it matches `deny`, or when an `allow` list is given and it matches none of it; a
 * subject without a rule is not restricted.
 */
export const AgentPolicy = z.strictObject({ models: Rule.optional(), tools: Rule.optional(), mcpServers: Rule.optional() });
export type AgentPolicy = z.infer<typeof AgentPolicy>;
export type PolicyRule = z.infer<typeof Rule>;

export interface AgentPolicyRecord {
  namespace: string;
  policy: AgentPolicy;
  updatedAt: number;
  /** The actor who set it. */
  updatedBy: string;
}

const RULE_OF: Record<PolicySubject, keyof AgentPolicy> = { model: 'models', tool: 'tools', mcpServer: 'mcpServers' };

function matches(patterns: readonly string[], name: string): string | undefined {
  return patterns.find((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

/** Why `policy` refuses `name` as a `subject`, or undefined when it allows it. */
export function policyRefusal(policy: AgentPolicy | undefined, subject: PolicySubject, name: string): string | undefined {
  const rule = policy?.[RULE_OF[subject]];
  if (rule === undefined) return undefined;
  const denied = matches(rule.deny ?? [], name);
  if (denied !== undefined) return `${RULE_OF[subject]}.deny has '${denied}'`;
  if (rule.allow !== undefined && matches(rule.allow, name) === undefined) return `${RULE_OF[subject]}.allow does not list it`;
  return undefined;
}
