/**
 * @baton/ai: durable LLM calls and agents. Importing it adds `ctx.llm` and `ctx.agent` to every
 * workflow's ctx. Models are `provider:model` names (openai, anthropic, ollama, compatible, or your
 * own with configureAI); every call is one journaled step, so a crash or a retry never pays for a
 * completed call again.
 */
import { registerContextExtension } from '@baton/core';
import { aiContext } from './context.js';

registerContextExtension('ai', aiContext);

export { configureAI, aiConfig, resolveModel } from './config.js';
export type { AIOptions, BudgetOptions, CacheOptions, ModelFactory } from './config.js';
export { AiErrorCode } from './errors.js';
export { DEFAULT_PRICES, callCost } from './prices.js';
export type { ModelPrice } from './prices.js';
export type { LlmResult, LlmRequestRecord, TokenUsage, ToolCallRequest } from './model-call.js';
export { MAX_PROMPT_TEXT } from './model-call.js';
export type { LlmOptions, AgentOptions, AgentResult, CallBudget } from './context.js';
export { agentTool, workflowTool, humanApproval, ApprovalDecision } from './tools.js';
export type { AgentTool, FunctionTool, WorkflowTool, ApprovalTool, JsonSchemaInput } from './tools.js';
export { BUDGET_SIGNAL } from './budget.js';
export { runUsage, workflowUsage } from './usage.js';
export type { UsageSummary, ModelUsage } from './usage.js';
