/**
 * Per-run accounting and budgets. What a run spent is summed from its model calls' journaled results
 * as the run executes or replays, so it is the same after a crash. Before each call the budget is
 * checked against what was spent plus an estimate of the call (its prompt, at about 4 characters a
 * token, and its maxTokens): over it, the call fails with BATON_BUDGET_EXCEEDED, or waits for the
 * signal `baton.budget` that raises it (`onExceeded: 'wait'`). The budget a run starts with is read
 * from the configuration at its first model call and journaled (a step `ai:budget`), so a replay after
 * the configuration changed makes the same decisions as the run did.
 */
import { z } from 'zod';
import { BatonError, type WorkflowContext } from '@baton/core';
import { aiConfig, type BudgetOptions } from './config.js';
import { AiErrorCode } from './errors.js';
import type { LlmResult } from './model-call.js';

/** The signal an operator sends to raise a waiting run's budget: `{ maxCostUsd?, maxTokens? }`. */
export const BUDGET_SIGNAL = 'baton.budget';

const BudgetRaise = z.object({ maxCostUsd: z.number().positive().optional(), maxTokens: z.number().int().positive().optional() });

export interface RunSpend {
  costUsd: number;
  tokens: number;
  calls: number;
  budget: BudgetOptions | undefined;
  /** Settles once the run's budget is known (journaled at its first model call). */
  ready: Promise<void>;
}

const spends = new WeakMap<WorkflowContext, RunSpend>();

/** What this execution of the run has spent so far (replayed calls included). */
function runSpend(ctx: WorkflowContext): RunSpend {
  let spend = spends.get(ctx);
  if (spend === undefined) {
    const created: RunSpend = { costUsd: 0, tokens: 0, calls: 0, budget: undefined, ready: Promise.resolve() };
    // Taken at once (not after an await), so calls started together journal it at one position.
    created.ready = ctx
      .step('ai:budget', () => {
        const budgets = aiConfig().budgets;
        return budgets[ctx.workflow] ?? budgets['*'] ?? null;
      })
      .then((budget) => {
        created.budget = budget ?? undefined;
      });
    spend = created;
    spends.set(ctx, spend);
  }
  return spend;
}

export function recordSpend(ctx: WorkflowContext, result: LlmResult): void {
  const spend = runSpend(ctx);
  spend.costUsd += result.costUsd;
  spend.tokens += result.usage.totalTokens;
  spend.calls++;
}

/** Waits (or throws) until the next call, estimated at `estimate`, fits the run's budget. */
export async function ensureBudget(ctx: WorkflowContext, estimate: { costUsd: number; tokens: number }): Promise<void> {
  const spend = runSpend(ctx);
  await spend.ready;
  for (;;) {
    const budget = spend.budget;
    if (budget === undefined) return;
    const overCost = budget.maxCostUsd !== undefined && (spend.costUsd >= budget.maxCostUsd || spend.costUsd + estimate.costUsd > budget.maxCostUsd);
    const overTokens = budget.maxTokens !== undefined && (spend.tokens >= budget.maxTokens || spend.tokens + estimate.tokens > budget.maxTokens);
    if (!overCost && !overTokens) return;
    const what = overCost
      ? `$${spend.costUsd.toFixed(4)} spent and about $${estimate.costUsd.toFixed(4)} more needed, budget $${budget.maxCostUsd}`
      : `${spend.tokens} tokens used and about ${estimate.tokens} more needed, budget ${budget.maxTokens}`;
    if ((budget.onExceeded ?? 'fail') === 'fail') {
      throw new BatonError(AiErrorCode.BudgetExceeded, `Run ${ctx.runId} would go over its budget (${what}).`, {
        retryable: false,
        runId: ctx.runId,
        details: { spentUsd: spend.costUsd, tokens: spend.tokens, budget },
      });
    }
    ctx.setProgress({ waitingFor: BUDGET_SIGNAL, reason: `over budget: ${what}`, spentUsd: spend.costUsd, tokens: spend.tokens, budget });
    const raise = await ctx.waitForSignal(BUDGET_SIGNAL, { schema: BudgetRaise });
    spend.budget = {
      ...budget,
      ...(raise.maxCostUsd === undefined ? {} : { maxCostUsd: raise.maxCostUsd }),
      ...(raise.maxTokens === undefined ? {} : { maxTokens: raise.maxTokens }),
    };
  }
}
