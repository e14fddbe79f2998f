/**
 * What `baton.llm` and `baton.agent` share: their arguments read into @baton/ai's options (a model,
 * a budget, a JSON Schema for structured output), and @baton/ai's failures as DSL errors.
 */
import { AiErrorCode, type CallBudget } from '@baton/ai';
import { errorMessage, hasErrorCode } from '@baton/core';
import type { ZodType } from 'zod';
import { isFault } from '../../runtime/faults.js';
import type { TaskSite } from '../executor.js';
import { standardFault, type WorkflowFault } from '../../runtime/workflow-fault.js';
import { zodFromJsonSchema } from './json-schema.js';

/** The options common to both calls, from `with`. */
export function modelOptions(args: Readonly<Record<string, unknown>>, call: string): { model?: string; budget?: CallBudget; schema?: ZodType } {
  const options: { model?: string; budget?: CallBudget; schema?: ZodType } = {};
  if (args.model !== undefined) {
    if (typeof args.model !== 'string') throw standardFault('configuration', `with.model of ${call} is a model name such as openai:gpt-4o-mini.`);
    options.model = args.model;
  }
  if (args.budget !== undefined) options.budget = budgetOf(args.budget, call);
  if (args.schema !== undefined) options.schema = zodFromJsonSchema(args.schema, `with.schema of ${call}`);
  return options;
}

/**
 * Model calls are made on the run's own ctx, outside the order in which a fork's branches issue their
 * operations (runtime/branch-sequencer.ts): two branches calling models at once would journal their
 * steps in the order the answers happen to come, which a replay need not repeat. So a fork's
 * branches may not call models themselves; a child workflow per branch may.
 */
export function assertNotInBranch(site: TaskSite, call: string): void {
  if (!site.reference.includes('/fork/branches/')) return;
  throw standardFault(
    'configuration',
    `${call} cannot run inside a fork branch: model calls of concurrent branches would not replay in the same order. Call the model before or after the fork, or give each branch a child workflow that calls it (call: baton.workflow).`,
    { instance: site.reference },
  );
}

/** A text argument: a string, or any other value as its JSON (a prompt built from data). */
export function textArgument(value: unknown, name: string, call: string): string {
  if (value === undefined || value === null) throw standardFault('configuration', `${call} needs with.${name}.`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function budgetOf(value: unknown, call: string): CallBudget {
  const { maxCostUsd, maxTokens, ...extra } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const positive = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isFinite(n) && n > 0);
  if (typeof value !== 'object' || value === null || Object.keys(extra).length > 0 || !positive(maxCostUsd) || !positive(maxTokens)) {
    throw standardFault('configuration', `with.budget of ${call} is { maxCostUsd?, maxTokens? }, positive numbers.`);
  }
  const budget: CallBudget = {};
  if (maxCostUsd !== undefined) budget.maxCostUsd = maxCostUsd as number;
  if (maxTokens !== undefined) budget.maxTokens = maxTokens as number;
  return budget;
}

/** A failure of a model call or an agent as a DSL error (a `try` can catch it); other failures (a run cancelled) pass as they are. */
export function modelFault(error: unknown, call: string): unknown {
  if (isFault(error)) return error;
  const message = `${call} failed: ${errorMessage(error)}`;
  const fault = (kind: Parameters<typeof standardFault>[0], extra: { status?: number; title?: string } = {}): WorkflowFault =>
    standardFault(kind, message, extra);
  if (hasErrorCode(error, AiErrorCode.ModelNotConfigured)) return fault('configuration');
  if (hasErrorCode(error, AiErrorCode.BudgetExceeded)) return fault('runtime', { status: 402, title: 'Budget exceeded' });
  if (hasErrorCode(error, AiErrorCode.LlmInvalidOutput)) return fault('validation');
  if (hasErrorCode(error, AiErrorCode.LlmFailed)) return fault('communication');
  if (hasErrorCode(error, AiErrorCode.AgentMaxTurns)) return fault('runtime', { title: 'Agent out of turns' });
  return error;
}
