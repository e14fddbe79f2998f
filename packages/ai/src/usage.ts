/**
 * What runs spent on model calls, summed from their journals: per model, per run, and over the
 * recent runs of a workflow. A cached answer counts as a call that cost nothing.
 */
import type { Client, ListOptions } from '@baton/core';
import type { LlmResult } from './model-call.js';

export interface ModelUsage {
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface UsageSummary extends ModelUsage {
  /** Calls whose model has no price (their cost counts as 0). */
  unpricedCalls: number;
  byModel: Record<string, ModelUsage>;
}

function empty(): ModelUsage {
  return { calls: 0, cachedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

function isLlmResult(value: unknown): value is LlmResult {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'baton.llm';
}

function addCall(summary: UsageSummary, result: LlmResult): void {
  const model = (summary.byModel[result.model] ??= empty());
  for (const target of [summary, model]) {
    target.calls++;
    if (result.cached) target.cachedCalls++;
    target.inputTokens += result.usage.inputTokens;
    target.outputTokens += result.usage.outputTokens;
    target.costUsd += result.costUsd;
  }
  if (!result.priced && !result.cached) summary.unpricedCalls++;
}

function newSummary(): UsageSummary {
  return { ...empty(), unpricedCalls: 0, byModel: {} };
}

/** The model calls of one run. */
export async function runUsage(client: Client, runId: string): Promise<UsageSummary> {
  const summary = newSummary();
  for (const entry of await client.journal(runId)) if (entry.status === 'completed' && isLlmResult(entry.output)) addCall(summary, entry.output);
  return summary;
}

/** The model calls of a workflow's runs (newest first, up to `limit` runs, default 1,000), with the runs counted. */
export async function workflowUsage(
  client: Client,
  workflow: string,
  options: Pick<ListOptions, 'createdAfter' | 'createdBefore'> & { limit?: number } = {},
): Promise<UsageSummary & { runs: number }> {
  const summary = newSummary();
  let runs = 0;
  let cursor: string | undefined;
  const limit = options.limit ?? 1000;
  do {
    const page = await client.list({ workflow, limit: Math.min(1000, limit - runs), ...options, ...(cursor === undefined ? {} : { cursor }) });
    for (const run of page.runs) {
      const one = await runUsage(client, run.id);
      for (const [model, usage] of Object.entries(one.byModel)) {
        const target = (summary.byModel[model] ??= empty());
        for (const key of Object.keys(usage) as (keyof ModelUsage)[]) target[key] += usage[key];
      }
      for (const key of ['calls', 'cachedCalls', 'inputTokens', 'outputTokens', 'costUsd', 'unpricedCalls'] as const) summary[key] += one[key];
      runs++;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && runs < limit);
  return { ...summary, runs };
}
