/**
 * The namespace's agent policy, applied to model calls and agents before anything is called: every
 * model of a call's chain (fallbacks included, so a refused model is never tried) and, for an agent,
 * every tool it offers the model. The policy is read once per run and each refusal journaled and
 * audited through @baton/core's seam (ensurePolicyAllows).
 */
import { ensurePolicyAllows, type ExtensionServices, type WorkflowContext } from '@baton/core';

export async function ensureModelsAllowed(ctx: WorkflowContext, services: ExtensionServices, step: string, models: readonly string[]): Promise<void> {
  for (const model of models) await ensurePolicyAllows(ctx, services, { subject: 'model', name: model, step });
}

export async function ensureToolsAllowed(ctx: WorkflowContext, services: ExtensionServices, step: string, tools: readonly string[]): Promise<void> {
  for (const tool of tools) await ensurePolicyAllows(ctx, services, { subject: 'tool', name: tool, step });
}
