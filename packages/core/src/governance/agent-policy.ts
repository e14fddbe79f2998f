/**
 * Agent policies: per namespace, which models, tools and MCP servers the runs of the namespace may
 * use (allow and deny lists, set by admins). This is the seam @baton/ai and @baton/mcp enforce them
 * through: a run reads its namespace's policy once, as the journaled step `baton:policy`, so a replay
 * decides as the run did even after the policy changed; each use is checked before the call is made,
 * and a refusal is audited (`policy.refused`) and fails the step with BATON_POLICY_REFUSED, itself
 * journaled (a step `policy:refused:<what>`), so a replay neither calls nor audits again.
 */
import { z } from 'zod';
import { BatonError, ErrorCode, TerminalError, isBatonError } from '../errors/errors.js';
import type { WorkflowContext } from '../workflow/workflow-context.js';
import type { ExtensionServices } from '../workflow/context-extensions.js';

/** What a policy governs. */
export const PolicySubject = { Model: 'model', Tool: 'tool', McpServer: 'mcpServer' } as const;
export type PolicySubject = (typeof PolicySubject)[keyof typeof PolicySubject];

/** The audit action of a refusal. */
export const POLICY_REFUSED_ACTION = 'policy.refused';

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

const policies = new WeakMap<WorkflowContext, Promise<AgentPolicy | undefined>>();

/**
 * The policy of the run's namespace, read once per run as the journaled step `baton:policy` (taken
 * at once on the first call, so calls started together journal it at one position). Runs journaled
 * before policies existed replay without it (`ctx.patched`), unrestricted as they ran.
 */
export function runAgentPolicy(ctx: WorkflowContext, services: ExtensionServices): Promise<AgentPolicy | undefined> {
  let policy = policies.get(ctx);
  if (policy === undefined) {
    policy = !ctx.patched('baton:policy')
      ? Promise.resolve(undefined)
      : ctx
          .step('baton:policy', async () => {
            const run = await services.store.getRun(ctx.runId);
            const record = run === undefined ? undefined : await services.store.getAgentPolicy(run.namespace);
            return record?.policy ?? null;
          })
          .then((read) => read ?? undefined);
    policies.set(ctx, policy);
  }
  return policy;
}

/**
 * Checks `name` against the run's policy before it is used. A refusal is audited and journaled as
 * the failed step `policy:refused:<subject>:<name>` and thrown as BATON_POLICY_REFUSED (terminal).
 * `step` names the operation that was refused, for the audit entry and the message.
 */
export async function ensurePolicyAllows(
  ctx: WorkflowContext,
  services: ExtensionServices,
  use: { subject: PolicySubject; name: string; step: string },
): Promise<void> {
  const policy = await runAgentPolicy(ctx, services);
  const reason = policyRefusal(policy, use.subject, use.name);
  if (reason === undefined) return;
  const what = use.subject === 'mcpServer' ? 'MCP server' : use.subject;
  const message = `The namespace's agent policy refused the ${what} '${use.name}' for step '${use.step}' of run ${ctx.runId} (${reason}); it was not called. An admin can change the policy with PUT /api/policies/{namespace}.`;
  try {
    await ctx.step(`policy:refused:${use.subject}:${use.name}`, async () => {
      const run = await services.store.getRun(ctx.runId);
      await services.store.appendAudit({
        actor: 'engine',
        namespace: run?.namespace ?? '',
        action: POLICY_REFUSED_ACTION,
        target: ctx.runId,
        result: ErrorCode.PolicyRefused,
        detail: JSON.stringify({ step: use.step, subject: use.subject, name: use.name, reason }),
        at: services.clock.now(),
      });
      throw new TerminalError(message, { code: ErrorCode.PolicyRefused, runId: ctx.runId, step: use.step, details: { ...use, reason } });
    });
  } catch (error) {
    throw isBatonError(error) && isBatonError(error.cause) && error.cause.code === ErrorCode.PolicyRefused ? error.cause : error;
  }
  throw new BatonError(ErrorCode.PolicyRefused, message, { retryable: false, runId: ctx.runId });
}
