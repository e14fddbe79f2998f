/**
 * Agent policies: per namespace, which models, tools and MCP servers the runs of the namespace may
 * use (allow and deny lists, set by admins). This is the seam @baton/ai and @baton/mcp enforce them
 * through: a run reads its namespace's policy once, as the journaled step `baton:policy`, so a replay
 * decides as the run did even after the policy changed; each use is checked before the call is made,
 * and a refusal is audited (`policy.refused`) and fails the step with BATON_POLICY_REFUSED, itself
 * journaled (a step `policy:refused:<what>`), so a replay neither calls nor audits again.
 */
import { BatonError, ErrorCode, TerminalError, isBatonError } from '../errors/errors.js';
import type { WorkflowContext } from '../workflow/workflow-context.js';
import type { ExtensionServices } from '../workflow/context-extensions.js';
import { policyRefusal, type AgentPolicy, type PolicySubject } from './agent-policy-rules.js';

/** The audit action of a refusal. */
export const POLICY_REFUSED_ACTION = 'policy.refused';

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
