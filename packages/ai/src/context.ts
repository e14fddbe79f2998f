/**
 * `ctx.llm` and `ctx.agent`, added to every workflow's ctx when @baton/ai is imported. A model call
 * is one journaled step; an agent is a loop whose every model turn and every tool call is a journaled
 * step (or child run, or wait), so nothing completed is ever called — or paid for — again.
 */
import { jsonSchema, tool as sdkTool, type JSONSchema7, type ModelMessage, type ToolSet } from 'ai';
import type { ZodType } from 'zod';
import { BatonError, ErrorCode, ensureModelSpendQuota, errorMessage, isBatonError, type ExtensionServices, type WorkflowContext } from '@baton/core';
import { aiConfig } from './config.js';
import { AiErrorCode } from './errors.js';
import { ensureBudget, recordSpend } from './budget.js';
import { callModels, requestRecord, type CallRequest, type LlmResult, type TokenUsage } from './model-call.js';
import { callCost } from './prices.js';
import { ensureModelsAllowed, ensureToolsAllowed } from './policy.js';
import { ApprovalDecision, isJsonSchemaInput, type AgentTool } from './tools.js';

export interface LlmOptions<T = unknown> {
  /** Names the step (`llm:<name>`); default `llm`. */
  name?: string;
  /** `provider:model`; default the configured default model. */
  model?: string;
  /** Models to try in order when the model fails for good (after its retries). */
  fallback?: string[];
  system?: string;
  prompt?: string;
  messages?: ModelMessage[];
  /** The answer must be JSON matching this schema: parsed, validated, re-asked with the error when it is not. */
  schema?: ZodType<T>;
  /** Re-asks after an answer that fails the schema. Default 2. */
  maxRepairs?: number;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
  /** Serve and store the answer in the cross-run cache (default: as configureAI says). */
  cache?: boolean | { ttlMs?: number };
  /** A limit on this call, besides the run's budget: it fails with BATON_BUDGET_EXCEEDED, uncalled, when its estimate is over. */
  budget?: CallBudget;
}

/**
 * A limit on one `ctx.llm` call or one `ctx.agent` (all its turns together), besides the run's
 * budget: a model call whose estimate (its prompt at about 4 characters a token, and its maxTokens)
 * would take what the call or agent spent over it fails with BATON_BUDGET_EXCEEDED before it is made.
 */
export interface CallBudget {
  maxCostUsd?: number;
  maxTokens?: number;
}

export interface AgentOptions<T = unknown> {
  /** Names the agent's steps (`agent:<name>:turn-N`, `agent:<name>:tool:<tool>`); default `agent`. */
  name?: string;
  model?: string;
  fallback?: string[];
  /** The system prompt: who the agent is and how it works. */
  instructions: string;
  prompt?: string;
  messages?: ModelMessage[];
  tools: Record<string, AgentTool>;
  /** Model turns before giving up with BATON_AGENT_MAX_TURNS. Default 10. */
  maxTurns?: number;
  /** The final answer must be JSON matching this schema. */
  schema?: ZodType<T>;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
  /** A tool that fails for good: tell the model ('report', default) or fail the agent ('throw'). */
  onToolError?: 'report' | 'throw';
  /** A limit on the agent's model turns together, besides the run's budget (see CallBudget). */
  budget?: CallBudget;
}

export interface AgentResult<T = unknown> {
  text: string;
  object?: T;
  turns: number;
  toolCalls: { name: string; input: unknown; output: unknown }[];
  usage: TokenUsage;
  costUsd: number;
  messages: ModelMessage[];
}

declare module '@baton/core' {
  interface WorkflowContext {
    /** One model call, journaled as one step: never paid for twice. */
    llm<T = unknown>(options: LlmOptions<T>): Promise<LlmResult<T>>;
    /** A tool-using agent: every model turn and every tool call is journaled on its own. */
    agent<T = unknown>(options: AgentOptions<T>): Promise<AgentResult<T>>;
  }
}

const STEP_FAILED = 'BATON_STEP_FAILED';

/** A step's failure as the error inside it, when that error is one of ours (a budget, an invalid answer). */
function unwrap(error: unknown): unknown {
  const cause = isBatonError(error) && error.code === STEP_FAILED && isBatonError(error.cause) ? error.cause : undefined;
  if (cause !== undefined && (Object.values(AiErrorCode).includes(cause.code as AiErrorCode) || cause.code === ErrorCode.QuotaExceeded)) {
    return cause;
  }
  return error;
}

function messagesOf(options: { prompt?: string; messages?: ModelMessage[] }, runId: string): ModelMessage[] {
  if (options.messages !== undefined && options.prompt !== undefined) {
    throw new BatonError(ErrorCode.InvalidArgument, 'Give a model call prompt or messages, not both.', { retryable: false, runId });
  }
  if (options.messages !== undefined) return [...options.messages];
  if (typeof options.prompt === 'string') return [{ role: 'user', content: options.prompt }];
  throw new BatonError(ErrorCode.InvalidArgument, 'A model call needs a prompt or messages.', { retryable: false, runId });
}

function modelsOf(options: { model?: string; fallback?: string[] }): string[] {
  const first = options.model ?? aiConfig().defaultModel;
  const chain = [...(first === undefined ? [] : [first]), ...(options.fallback ?? [])];
  if (chain.length === 0) {
    throw new BatonError(AiErrorCode.ModelNotConfigured, 'No model named and no default: pass model: "provider:model", or set BATON_AI_MODEL.', {
      retryable: false,
    });
  }
  return chain;
}

/** About what the next call costs at most: its prompt (about 4 characters a token) and its maxTokens. */
function estimate(models: string[], system: string | undefined, messages: ModelMessage[], maxTokens: number | undefined): { costUsd: number; tokens: number } {
  const input = Math.ceil(((system?.length ?? 0) + JSON.stringify(messages).length) / 4);
  const output = maxTokens ?? 0;
  return { tokens: input + output, costUsd: callCost(aiConfig().prices, models[0]!, input, output) ?? 0 };
}

/** What a call or an agent spent so far, against its own budget. */
interface CallSpend {
  budget: CallBudget;
  costUsd: number;
  tokens: number;
}

/** BATON_BUDGET_EXCEEDED when the next model call, estimated at `next`, would take `spend` over its budget; undefined when it fits. */
function callBudgetRefusal(ctx: WorkflowContext, stepName: string, spend: CallSpend, next: { costUsd: number; tokens: number }): BatonError | undefined {
  const { budget } = spend;
  const overCost = budget.maxCostUsd !== undefined && spend.costUsd + next.costUsd > budget.maxCostUsd;
  const overTokens = budget.maxTokens !== undefined && spend.tokens + next.tokens > budget.maxTokens;
  if (!overCost && !overTokens) return undefined;
  const what = overCost
    ? `$${spend.costUsd.toFixed(4)} spent and about $${next.costUsd.toFixed(4)} more needed, budget $${budget.maxCostUsd}`
    : `${spend.tokens} tokens used and about ${next.tokens} more needed, budget ${budget.maxTokens}`;
  return new BatonError(
    AiErrorCode.BudgetExceeded,
    `The model call '${stepName}' of run ${ctx.runId} would go over its own budget (${what}); it was not made.`,
    {
      retryable: false,
      runId: ctx.runId,
      details: { spentUsd: spend.costUsd, tokens: spend.tokens, estimate: next, budget },
    },
  );
}

async function modelStep(ctx: WorkflowContext, services: ExtensionServices, stepName: string, request: CallRequest, spend?: CallSpend): Promise<LlmResult> {
  const next = estimate(request.models, request.system, request.messages, request.maxTokens);
  // A call over its own budget is not made: the refusal is the step's journaled failure, so the run
  // shows it at the call's position and a replay refuses there again.
  const refusal = spend === undefined ? undefined : callBudgetRefusal(ctx, stepName, spend, next);
  if (refusal === undefined) {
    await ensureModelsAllowed(ctx, services, stepName, request.models);
    await ensureBudget(ctx, next);
  }
  let result: LlmResult;
  try {
    // Retries and fallbacks happen inside the step; the step itself is tried once. Its input is the
    // prompt as journaled in results (texts cut, binary data left out), so a failed call shows it too.
    // The namespace's model spend quota is checked as the call is about to be made (never on replay).
    const call = async (info: { signal: AbortSignal }): Promise<LlmResult> => {
      if (refusal !== undefined) throw refusal;
      await ensureModelSpendQuota(services.store, ctx.runId, services.clock.now());
      return callModels(request, info.signal, services.store, () => services.clock.now());
    };
    result = await ctx.step(stepName, call, {
      retry: { maxAttempts: 1 },
      input: { models: request.models, ...requestRecord(request.system, request.messages) },
      // A model answer is paid for: journal it the moment it arrives, not with the next group commit.
      journalAtOnce: true,
    });
  } catch (error) {
    throw unwrap(error);
  }
  recordSpend(ctx, result);
  return result;
}

function llm(ctx: WorkflowContext, services: ExtensionServices) {
  return async <T>(options: LlmOptions<T>): Promise<LlmResult<T>> => {
    const request: CallRequest = {
      models: modelsOf(options),
      messages: messagesOf(options, ctx.runId),
      ...(options.system === undefined ? {} : { system: options.system }),
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.maxRepairs === undefined ? {} : { maxRepairs: options.maxRepairs }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.cache === undefined ? {} : { cache: options.cache }),
    };
    const spend = options.budget === undefined ? undefined : { budget: options.budget, costUsd: 0, tokens: 0 };
    return (await modelStep(ctx, services, options.name === undefined ? 'llm' : `llm:${options.name}`, request, spend)) as LlmResult<T>;
  };
}

function toolSet(tools: Record<string, AgentTool>): ToolSet {
  const set: ToolSet = {};
  for (const [name, definition] of Object.entries(tools)) {
    const input = definition.input;
    set[name] = isJsonSchemaInput(input)
      ? sdkTool({ description: definition.description, inputSchema: jsonSchema(input.jsonSchema as JSONSchema7) })
      : sdkTool({ description: definition.description, inputSchema: input });
  }
  return set;
}

function agent(ctx: WorkflowContext, services: ExtensionServices) {
  return async <T>(options: AgentOptions<T>): Promise<AgentResult<T>> => {
    const base = `agent:${options.name ?? 'agent'}`;
    const models = modelsOf(options);
    const messages = messagesOf(options, ctx.runId);
    const tools = toolSet(options.tools);
    const maxTurns = options.maxTurns ?? 10;
    const calls: AgentResult['toolCalls'] = [];
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    let costUsd = 0;
    const spend = options.budget === undefined ? undefined : { budget: options.budget, costUsd: 0, tokens: 0 };
    // Every tool the model is offered must be allowed before it is offered at all.
    await ensureToolsAllowed(ctx, services, base, Object.keys(options.tools));
    for (let turn = 1; turn <= maxTurns; turn++) {
      if (spend !== undefined) {
        spend.costUsd = costUsd;
        spend.tokens = usage.totalTokens;
      }
      const reply = await modelStep(
        ctx,
        services,
        `${base}:turn-${turn}`,
        {
          models,
          system: options.instructions,
          messages,
          tools,
          ...(options.schema === undefined ? {} : { schema: options.schema }),
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        },
        spend,
      );
      usage = {
        inputTokens: usage.inputTokens + reply.usage.inputTokens,
        outputTokens: usage.outputTokens + reply.usage.outputTokens,
        totalTokens: usage.totalTokens + reply.usage.totalTokens,
      };
      costUsd += reply.costUsd;
      const requested = reply.toolCalls ?? [];
      if (requested.length === 0) {
        messages.push({ role: 'assistant', content: reply.text });
        const result: AgentResult<T> = { text: reply.text, turns: turn, toolCalls: calls, usage, costUsd, messages };
        if (reply.object !== undefined) result.object = reply.object as T;
        return result;
      }
      messages.push({
        role: 'assistant',
        content: [
          ...(reply.text.length > 0 ? [{ type: 'text' as const, text: reply.text }] : []),
          ...requested.map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.name, input: call.input })),
        ],
      });
      // One tool call at a time, in the order the model asked: each is journaled at its own position.
      for (const call of requested) {
        const output = await runTool(ctx, base, options, call);
        calls.push({ name: call.name, input: call.input, output });
        messages.push({
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: call.id, toolName: call.name, output: { type: 'json', value: toJsonValue(output) } }],
        });
      }
    }
    throw new BatonError(
      AiErrorCode.AgentMaxTurns,
      `The agent '${options.name ?? 'agent'}' of run ${ctx.runId} used its ${maxTurns} turns without a final answer.`,
      {
        retryable: false,
        runId: ctx.runId,
        details: { toolCalls: calls.length },
      },
    );
  };
}

/** A value as the model sees a tool's result (plain JSON: undefined becomes null). */
function toJsonValue(value: unknown): never {
  return (value === undefined ? null : JSON.parse(JSON.stringify(value))) as never;
}

async function runTool(
  ctx: WorkflowContext,
  base: string,
  options: AgentOptions<unknown>,
  call: { id: string; name: string; input: unknown },
): Promise<unknown> {
  const definition = options.tools[call.name];
  if (definition === undefined) return { error: `There is no tool '${call.name}'. The tools are: ${Object.keys(options.tools).join(', ')}.` };
  const checked = checkInput(definition.input, call.input);
  if ('error' in checked) return checked;
  const input = checked.input;
  try {
    switch (definition.kind) {
      case 'function':
        return await ctx.step(`${base}:tool:${call.name}`, (info) => definition.execute(input, info), {
          input,
          ...(definition.retry === undefined ? {} : { retry: definition.retry }),
        });
      case 'workflow':
        return await ctx.child(definition.workflow, input);
      case 'approval': {
        const signal = definition.signal ?? call.name;
        ctx.setProgress({ waitingFor: 'approval', signal, tool: call.name, request: input });
        const decision = await ctx.waitForSignal(signal, { schema: ApprovalDecision });
        ctx.setProgress({ approval: { signal, ...decision } });
        return decision;
      }
    }
  } catch (error) {
    if (options.onToolError === 'throw') throw error;
    const inner = isBatonError(error) && error.cause !== undefined ? error.cause : error;
    return { error: errorMessage(inner) };
  }
}

/** The model's input for a tool, checked by its zod schema; a JSON Schema tool checks its input itself, so only its being an object is checked here. */
function checkInput(schema: AgentTool['input'], value: unknown): { input: unknown } | { error: string } {
  if (isJsonSchemaInput(schema)) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { input: value } : { error: "The tool's input must be a JSON object." };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { input: parsed.data };
  return { error: `The input does not match the tool's schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}

/** Registers ctx.llm and ctx.agent (done when the package is imported). */
export function aiContext(ctx: WorkflowContext, services: ExtensionServices): Record<string, unknown> {
  return { llm: llm(ctx, services), agent: agent(ctx, services) };
}
