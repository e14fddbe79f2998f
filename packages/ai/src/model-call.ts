/**
 * One model call as a step's body: the chain of models (the first, then each fallback) with retries
 * on rate limits, server errors, timeouts and dropped connections (honouring Retry-After), and, with a
 * schema, the answer parsed and validated, the model re-asked with the validation error when it fails.
 * Everything here runs inside one journaled step: its result is recorded once and never paid again.
 */
import { createHash } from 'node:crypto';
import { APICallError, generateText, type ModelMessage, type ToolSet } from 'ai';
import { z, type ZodType } from 'zod';
import { BatonError, errorMessage, isBatonError, type Store } from '@baton/core';
import { aiConfig, resolveModel, type ResolvedAIConfig } from './config.js';
import { AiErrorCode } from './errors.js';
import { callCost } from './prices.js';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  input: unknown;
}

/** What a model call returns, as journaled. `kind` marks it for usage accounting. */
export interface LlmResult<T = unknown> {
  kind: 'baton.llm';
  text: string;
  /** With a schema: the validated answer. */
  object?: T;
  /** Tools the model asked to call (agent turns). */
  toolCalls?: ToolCallRequest[];
  /** The model that answered (`provider:model`). */
  model: string;
  usage: TokenUsage;
  /** What the call cost (0 for a cache hit or an unpriced model). */
  costUsd: number;
  /** False when the model has no price in the table (its cost counts as 0). */
  priced: boolean;
  /** Answered from the cache: no model was called. */
  cached: boolean;
  /** Failed tries before the answer, oldest first: which model, what went wrong. */
  failures: { model: string; code?: string; status?: number; message: string }[];
  finishReason: string;
  /** What was sent to the model that answered (its last round), each text cut at MAX_PROMPT_TEXT characters: the run's detail shows it. */
  request: LlmRequestRecord;
}

/** The prompt of a model call as journaled: the system text and the messages, texts cut short. */
export interface LlmRequestRecord {
  system?: string;
  messages: ModelMessage[];
}

/** The longest text of a prompt that is journaled (system, each message's text, each tool input or result). */
export const MAX_PROMPT_TEXT = 20_000;

function cut(text: string): string {
  return text.length <= MAX_PROMPT_TEXT ? text : `${text.slice(0, MAX_PROMPT_TEXT - 1)}…`;
}

/** A value as it is journaled: JSON too long to keep becomes its cut text. */
function cutValue(value: unknown): unknown {
  const text = JSON.stringify(value) ?? '';
  return text.length <= MAX_PROMPT_TEXT ? value : cut(text);
}

/** One part of a message with its texts cut, and binary data (images, files) left out. */
function cutPart(part: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...part };
  if (typeof out.text === 'string') out.text = cut(out.text);
  for (const key of ['image', 'data'] as const) {
    if (!(key in out)) continue;
    const value = out[key];
    out[key] = typeof value === 'string' ? cut(value) : value instanceof URL ? value.toString() : '[binary data, not journaled]';
  }
  if ('input' in out) out.input = cutValue(out.input);
  const output = out.output as { type?: unknown; value?: unknown } | undefined;
  if (typeof output === 'object' && output !== null && 'value' in output) {
    out.output = typeof output.value === 'string' ? { ...output, value: cut(output.value) } : { ...output, value: cutValue(output.value) };
  }
  return out;
}

/** What a round sent, as journaled (see LlmResult.request). */
export function requestRecord(system: string | undefined, messages: ModelMessage[]): LlmRequestRecord {
  const cutMessages = messages.map((message) =>
    typeof message.content === 'string'
      ? { ...message, content: cut(message.content) }
      : { ...message, content: (message.content as Record<string, unknown>[]).map(cutPart) },
  ) as ModelMessage[];
  return { ...(system === undefined ? {} : { system: cut(system) }), messages: cutMessages };
}

export interface CallRequest {
  models: string[];
  system?: string;
  messages: ModelMessage[];
  schema?: ZodType;
  /** Re-asks after output that fails the schema. Default 2. */
  maxRepairs?: number;
  /** Tools offered to the model (for agents): described, never executed here. */
  tools?: ToolSet;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
  cache?: boolean | { ttlMs?: number };
}

const ZERO: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

function add(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, totalTokens: a.totalTokens + b.totalTokens };
}

/** The instruction that asks for JSON matching `schema`. */
export function jsonInstruction(schema: ZodType, withTools: boolean): string {
  const jsonSchema = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  const when = withTools ? 'When you give your final answer (rather than calling a tool), give' : 'Answer with';
  return `${when} only a JSON value (no prose, no code fences) that matches this JSON Schema:\n${jsonSchema}`;
}

/** The JSON in a model's answer: the whole text, or the part inside code fences or braces. */
function extractJson(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  const candidates = [trimmed, fenced?.[1]?.trim(), sliceBetween(trimmed, '{', '}'), sliceBetween(trimmed, '[', ']')];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate.length === 0) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next reading
    }
  }
  throw new SyntaxError('the answer holds no JSON value');
}

function sliceBetween(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(close);
  return start >= 0 && end > start ? text.slice(start, end + 1) : undefined;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

/** How long to wait before trying the same model again, or undefined when trying again cannot help. */
function retryDelay(error: unknown, attempt: number): number | undefined {
  if (isBatonError(error) && !error.retryable) return undefined;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    // A client error stays one; a 2xx whose body did not parse (truncated, malformed) is worth another try.
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) return undefined;
    const headers = error.responseHeaders ?? {};
    const afterMs = Number(headers['retry-after-ms']);
    if (Number.isFinite(afterMs) && afterMs >= 0) return afterMs;
    const after = headers['retry-after'];
    if (after !== undefined) {
      const seconds = Number(after);
      if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
      const date = Date.parse(after);
      if (Number.isFinite(date)) return Math.max(0, date - Date.now());
    }
  }
  // Back-off with jitter: about 0.5, 1, 2, 4 … s, at most 30 s.
  return Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/** One model, one answer: with a schema, re-asked until the answer passes or the repairs run out. */
async function askModel(
  request: CallRequest,
  modelName: string,
  signal: AbortSignal,
  config: ResolvedAIConfig,
): Promise<Omit<LlmResult, 'kind' | 'costUsd' | 'priced' | 'cached' | 'failures'>> {
  const { model } = resolveModel(modelName);
  const system =
    request.schema === undefined ? request.system : [request.system, jsonInstruction(request.schema, request.tools !== undefined)].filter(Boolean).join('\n\n');
  const messages = [...request.messages];
  let usage = ZERO;
  const repairs = request.maxRepairs ?? 2;
  for (let round = 0; ; round++) {
    const timeout = AbortSignal.timeout(request.timeoutMs ?? config.timeoutMs);
    const result = await generateText({
      model,
      ...(system === undefined ? {} : { system }),
      messages,
      ...(request.tools === undefined ? {} : { tools: request.tools }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
      maxRetries: 0,
      abortSignal: AbortSignal.any([signal, timeout]),
    });
    const input = result.usage.inputTokens ?? 0;
    const output = result.usage.outputTokens ?? 0;
    usage = add(usage, { inputTokens: input, outputTokens: output, totalTokens: result.usage.totalTokens ?? input + output });
    const toolCalls = result.toolCalls.map((call) => ({ id: call.toolCallId, name: call.toolName, input: call.input }));
    const answer = {
      text: result.text,
      model: modelName,
      usage,
      finishReason: result.finishReason,
      request: requestRecord(system, messages),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
    if (request.schema === undefined || toolCalls.length > 0) return answer;
    let problem: string;
    try {
      const parsed = request.schema.safeParse(extractJson(result.text));
      if (parsed.success) return { ...answer, object: parsed.data };
      problem = issuesText(parsed.error);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (round >= repairs) {
      throw new BatonError(AiErrorCode.LlmInvalidOutput, `The answer of ${modelName} did not match the schema after ${round + 1} tries: ${problem}`, {
        retryable: false,
        details: { model: modelName, lastAnswer: result.text.slice(0, 2000), problem },
      });
    }
    messages.push(
      { role: 'assistant', content: result.text },
      { role: 'user', content: `That answer does not match the schema: ${problem}. Answer again with only the corrected JSON.` },
    );
  }
}

/** The cache key of a request: every part that shapes the answer. */
export function cacheKey(request: CallRequest): string {
  const tools = Object.entries(request.tools ?? {}).map(([name, tool]) => [
    name,
    tool.description,
    JSON.stringify((tool as { inputSchema?: unknown }).inputSchema ?? null),
  ]);
  const content = JSON.stringify({
    models: request.models,
    system: request.system ?? null,
    messages: request.messages,
    schema: request.schema === undefined ? null : z.toJSONSchema(request.schema, { io: 'input', unrepresentable: 'any' }),
    tools,
    temperature: request.temperature ?? null,
    maxTokens: request.maxTokens ?? null,
    repairs: request.maxRepairs ?? 2,
  });
  return `llm:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * Answers `request`: from the cache when it is on and holds an answer, else from the first model of
 * the chain that answers. Throws BATON_LLM_FAILED (or BATON_LLM_INVALID_OUTPUT when every model's
 * answer failed the schema) when none does.
 */
export async function callModels(request: CallRequest, signal: AbortSignal, store: Store, now: () => number): Promise<LlmResult> {
  const config = aiConfig();
  const cacheOptions =
    request.cache === false ? undefined : request.cache === undefined ? config.cache : request.cache === true ? (config.cache ?? {}) : request.cache;
  const key = cacheOptions === undefined ? undefined : cacheKey(request);
  if (key !== undefined) {
    const hit = await store.getCached(key, now());
    if (hit !== undefined) {
      const answer = JSON.parse(hit.value) as LlmResult;
      return { ...answer, usage: ZERO, costUsd: 0, cached: true, failures: [] };
    }
  }
  const failures: LlmResult['failures'] = [];
  for (const modelName of request.models) {
    for (let attempt = 1; attempt <= config.retries; attempt++) {
      try {
        const answer = await askModel(request, modelName, signal, config);
        const cost = callCost(config.prices, modelName, answer.usage.inputTokens, answer.usage.outputTokens);
        const result: LlmResult = { kind: 'baton.llm', ...answer, costUsd: cost ?? 0, priced: cost !== undefined, cached: false, failures };
        if (key !== undefined) {
          const at = now();
          await store.putCached({ key, value: JSON.stringify(result), createdAt: at, expiresAt: at + (cacheOptions?.ttlMs ?? 24 * 3_600_000) });
        }
        return result;
      } catch (error) {
        if (signal.aborted) throw error;
        failures.push({
          model: modelName,
          ...(isBatonError(error) ? { code: error.code } : {}),
          ...(APICallError.isInstance(error) && error.statusCode !== undefined ? { status: error.statusCode } : {}),
          message: errorMessage(error).slice(0, 500),
        });
        if (isBatonError(error) && error.code === AiErrorCode.LlmInvalidOutput) break;
        const delay = attempt < config.retries ? retryDelay(error, attempt) : undefined;
        if (delay === undefined || delay > config.maxRetryAfterMs) break;
        await sleep(delay, signal);
      }
    }
  }
  const last = failures[failures.length - 1];
  const allInvalid =
    failures.length > 0 &&
    failures.every((f) => f.code === AiErrorCode.LlmInvalidOutput || f.code === AiErrorCode.ModelNotConfigured) &&
    failures.some((f) => f.code === AiErrorCode.LlmInvalidOutput);
  const noneConfigured = failures.length > 0 && failures.every((f) => f.code === AiErrorCode.ModelNotConfigured);
  throw new BatonError(
    noneConfigured ? AiErrorCode.ModelNotConfigured : allInvalid ? AiErrorCode.LlmInvalidOutput : AiErrorCode.LlmFailed,
    `No model answered (${request.models.join(' → ')}): ${last?.message ?? 'no model to try'}`,
    { retryable: false, details: { failures } },
  );
}
