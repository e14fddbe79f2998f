/**
 * Models and providers. A model is named `provider:model` (`openai:gpt-4o-mini`,
 * `anthropic:claude-3-5-haiku-latest`, `ollama:llama3.2`). Providers come from the environment
 * (OPENAI_API_KEY and OPENAI_BASE_URL, ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, OLLAMA_BASE_URL,
 * OPENAI_COMPATIBLE_BASE_URL and OPENAI_COMPATIBLE_API_KEY) and from `configureAI`, which can add
 * any AI SDK model factory under a name of its own. BATON_AI_MODEL names the default model.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { BatonError } from '@baton/core';
import { AiErrorCode } from './errors.js';
import { DEFAULT_PRICES, type ModelPrice } from './prices.js';

/** Makes the AI SDK model for a model id (the part after `provider:`). */
export type ModelFactory = (modelId: string) => LanguageModel;

export interface BudgetOptions {
  /** Most the run may spend on model calls, in US dollars (priced by the price table). */
  maxCostUsd?: number;
  /** Most tokens (in + out) the run may use. */
  maxTokens?: number;
  /**
   * When the next call would go over: 'fail' (BATON_BUDGET_EXCEEDED, the default) or 'wait' for an
   * operator to raise the budget with the signal `baton.budget` ({ maxCostUsd?, maxTokens? }).
   */
  onExceeded?: 'fail' | 'wait';
}

export interface CacheOptions {
  /** How long a cached answer serves. Default 24 h. */
  ttlMs?: number;
}

export interface AIOptions {
  /** Providers by name, added to (or replacing) those from the environment. */
  providers?: Record<string, ModelFactory>;
  /** The model used when a call names none. Default $BATON_AI_MODEL. */
  defaultModel?: string;
  /** Prices per model (`provider:model`), merged over the built-in table. */
  prices?: Record<string, ModelPrice>;
  /** Budgets by workflow name; `'*'` for every workflow without one of its own. */
  budgets?: Record<string, BudgetOptions>;
  /** Attempts per model on rate limits (429), server errors (5xx), timeouts and dropped connections. Default 3. */
  retries?: number;
  /** The longest Retry-After honoured; a longer one moves on to the next model. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Per model call. Default 120 s. */
  timeoutMs?: number;
  /** Answers cached across runs by content (opt-in per call with `cache: true`, or here for every call). */
  cache?: boolean | CacheOptions;
  /** The environment to read providers from. Default process.env. */
  env?: Record<string, string | undefined>;
}

export interface ResolvedAIConfig {
  providers: Map<string, ModelFactory>;
  defaultModel: string | undefined;
  prices: Map<string, ModelPrice>;
  budgets: Record<string, BudgetOptions>;
  retries: number;
  maxRetryAfterMs: number;
  timeoutMs: number;
  cache: CacheOptions | undefined;
}

const CONFIG = Symbol.for('baton.ai.config');

function providersFromEnv(env: Record<string, string | undefined>): Map<string, ModelFactory> {
  const providers = new Map<string, ModelFactory>();
  if (env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined) {
    const openai = createOpenAI({
      apiKey: env.OPENAI_API_KEY ?? 'none',
      ...(env.OPENAI_BASE_URL === undefined ? {} : { baseURL: env.OPENAI_BASE_URL }),
    });
    providers.set('openai', (id) => openai.chat(id));
  }
  if (env.ANTHROPIC_API_KEY !== undefined || env.ANTHROPIC_BASE_URL !== undefined) {
    const anthropic = createAnthropic({
      apiKey: env.ANTHROPIC_API_KEY ?? 'none',
      ...(env.ANTHROPIC_BASE_URL === undefined ? {} : { baseURL: env.ANTHROPIC_BASE_URL }),
    });
    providers.set('anthropic', (id) => anthropic(id));
  }
  // Ollama serves the OpenAI-compatible API under /v1; it needs no key.
  const ollama = createOpenAICompatible({ name: 'ollama', baseURL: env.OLLAMA_BASE_URL ?? 'http://127.0.0.1:11434/v1' });
  providers.set('ollama', (id) => ollama.chatModel(id));
  if (env.OPENAI_COMPATIBLE_BASE_URL !== undefined) {
    const compatible = createOpenAICompatible({
      name: 'compatible',
      baseURL: env.OPENAI_COMPATIBLE_BASE_URL,
      ...(env.OPENAI_COMPATIBLE_API_KEY === undefined ? {} : { apiKey: env.OPENAI_COMPATIBLE_API_KEY }),
    });
    providers.set('compatible', (id) => compatible.chatModel(id));
  }
  return providers;
}

function resolve(options: AIOptions): ResolvedAIConfig {
  const env = options.env ?? process.env;
  const providers = providersFromEnv(env);
  for (const [name, factory] of Object.entries(options.providers ?? {})) providers.set(name, factory);
  const prices = new Map(Object.entries(DEFAULT_PRICES));
  for (const [name, price] of Object.entries(options.prices ?? {})) prices.set(name, price);
  const cache = options.cache === undefined || options.cache === false ? undefined : options.cache === true ? {} : options.cache;
  return {
    providers,
    defaultModel: options.defaultModel ?? env.BATON_AI_MODEL,
    prices,
    budgets: options.budgets ?? {},
    retries: positive(options.retries ?? 3, 'retries'),
    maxRetryAfterMs: positive(options.maxRetryAfterMs ?? 60_000, 'maxRetryAfterMs'),
    timeoutMs: positive(options.timeoutMs ?? 120_000, 'timeoutMs'),
    cache,
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1)
    throw new BatonError('BATON_INVALID_ARGUMENT', `configureAI: ${name} must be at least 1, not ${String(value)}.`, { retryable: false });
  return value;
}

/** Sets how this process's workflows reach models (replacing an earlier configuration). */
export function configureAI(options: AIOptions = {}): void {
  (globalThis as { [CONFIG]?: ResolvedAIConfig })[CONFIG] = resolve(options);
}

/** The configuration in force (from the environment alone until `configureAI` is called). */
export function aiConfig(): ResolvedAIConfig {
  const holder = globalThis as { [CONFIG]?: ResolvedAIConfig };
  return (holder[CONFIG] ??= resolve({}));
}

/** The AI SDK model for `provider:model` (or the default model). */
export function resolveModel(name: string | undefined): { name: string; model: LanguageModel } {
  const config = aiConfig();
  const full = name ?? config.defaultModel;
  if (full === undefined) {
    throw new BatonError(AiErrorCode.ModelNotConfigured, 'No model named and no default: pass model: "provider:model", or set BATON_AI_MODEL.', {
      retryable: false,
    });
  }
  const colon = full.indexOf(':');
  const provider = colon < 0 ? undefined : config.providers.get(full.slice(0, colon));
  if (colon <= 0 || colon === full.length - 1 || provider === undefined) {
    const known = [...config.providers.keys()].join(', ');
    throw new BatonError(
      AiErrorCode.ModelNotConfigured,
      `Model '${full}' names no configured provider (${known}): name models provider:model, and set the provider's key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) or configureAI({ providers }).`,
      { retryable: false },
    );
  }
  return { name: full, model: provider(full.slice(colon + 1)) };
}
