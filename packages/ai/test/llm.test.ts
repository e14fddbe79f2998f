/**
 * ctx.llm and ctx.agent against the real provider clients, talking to the scripted model server over
 * loopback, on a real SQLite store: schemas and re-asks, retries and Retry-After, fallback, the cache,
 * costs, budgets, agents with function, workflow and approval tools, and never paying twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, silentLogger, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import {
  AiErrorCode,
  BUDGET_SIGNAL,
  MAX_PROMPT_TEXT,
  agentTool,
  configureAI,
  humanApproval,
  runUsage,
  workflowTool,
  workflowUsage,
  type LlmResult,
} from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedModelRequest } from '@baton/ai/testing';

let server: ScriptedModelServer;
let dir: string;
const open: { engine: Engine; store: SqliteStore }[] = [];

beforeAll(async () => {
  server = await startScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'baton-ai-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const { engine, store } of open.splice(0)) {
    await engine.stop({ timeoutMs: 1000 });
    await store.close();
  }
  server.reset();
});

function configure(extra: Parameters<typeof configureAI>[0] = {}): void {
  configureAI({
    env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: server.anthropicBaseUrl },
    defaultModel: 'openai:gpt-4o-mini',
    retries: 3,
    ...extra,
  });
}

let files = 0;
async function engineFor(workflows: AnyWorkflow[], path = join(dir, `ai-${++files}.db`)): Promise<{ engine: Engine; store: SqliteStore; path: string }> {
  const store = new SqliteStore({ path });
  const engine = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  open.push({ engine, store });
  return { engine, store, path };
}

const Ticket = z.object({ topic: z.enum(['billing', 'technical', 'other']), urgent: z.boolean() });

const classify = defineWorkflow({ name: 'classify' }, async (ctx, input: { text: string; model?: string; fallback?: string[] }) => {
  const result = await ctx.llm({
    name: 'classify',
    ...(input.model === undefined ? {} : { model: input.model }),
    ...(input.fallback === undefined ? {} : { fallback: input.fallback }),
    system: 'You classify support tickets.',
    prompt: input.text,
    schema: Ticket,
  });
  return { object: result.object, model: result.model, costUsd: result.costUsd, usage: result.usage, cached: result.cached, failures: result.failures.length };
});

describe('ctx.llm', () => {
  it('validates a structured answer, and re-asks with the validation error when it does not match', async () => {
    configure();
    server.enqueue(
      { text: '{"topic":"shipping","urgent":"yes"}', usage: { input: 100, output: 10 } },
      { text: '```json\n{"topic":"billing","urgent":true}\n```', usage: { input: 150, output: 12 } },
    );
    const { engine } = await engineFor([classify]);
    const out = await (await engine.client.start(classify, { text: 'I was charged twice!' })).result();
    expect(out.object).toEqual({ topic: 'billing', urgent: true });
    expect(out.usage).toEqual({ inputTokens: 250, outputTokens: 22, totalTokens: 272 });
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(out.costUsd).toBeCloseTo((250 * 0.15 + 22 * 0.6) / 1e6, 12);
    const [first, second] = server.modelCalls;
    expect(first!.messages[0]).toMatchObject({ role: 'system' });
    expect(first!.messages[0]!.content).toContain('JSON Schema');
    // The re-ask carries the model's answer and what was wrong with it.
    expect(second!.messages.at(-2)).toMatchObject({ role: 'assistant', content: '{"topic":"shipping","urgent":"yes"}' });
    expect(second!.messages.at(-1)!.content).toMatch(/topic/);
  });

  it('journals the prompt it sent (system and messages of the answering round), each text cut at 20,000 characters', async () => {
    configure();
    server.enqueue({ text: '{"topic":"technical","urgent":false}' });
    const { engine } = await engineFor([classify]);
    const long = `My screen is blank. ${'x'.repeat(30_000)}`;
    const run = await engine.client.start(classify, { text: long });
    await run.result();
    const entries = await engine.client.journal(run.id);
    const result = entries.map((e) => e.output as LlmResult).find((output) => output?.kind === 'baton.llm')!;
    expect(result.request.system).toMatch(/^You classify support tickets\.\n\n.*JSON Schema/s);
    expect(result.request.messages).toHaveLength(1);
    const sent = result.request.messages[0]!;
    expect(sent.role).toBe('user');
    expect(sent.content).toHaveLength(MAX_PROMPT_TEXT);
    expect(String(sent.content).startsWith('My screen is blank. xxx')).toBe(true);
    expect(String(sent.content).endsWith('…')).toBe(true);
  });

  it('fails with BATON_LLM_INVALID_OUTPUT when the answer never matches', async () => {
    configure();
    for (let i = 0; i < 3; i++) server.enqueue({ text: 'I think it is about billing.' });
    const { engine } = await engineFor([classify]);
    const run = await engine.client.start(classify, { text: 'hello' });
    await expect(run.result()).rejects.toMatchObject({ code: AiErrorCode.LlmInvalidOutput });
    expect(server.modelCalls).toHaveLength(3); // the first answer and 2 re-asks
  });

  it('retries a 429 after its Retry-After and a 500 with back-off, then answers', async () => {
    configure();
    server.enqueue({ status: 429, retryAfter: 1 }, { status: 500 }, { text: '{"topic":"other","urgent":false}' });
    const { engine } = await engineFor([classify]);
    const started = Date.now();
    const out = await (await engine.client.start(classify, { text: 'hi' })).result();
    expect(out.object).toEqual({ topic: 'other', urgent: false });
    expect(out.failures).toBe(2);
    expect(server.modelCalls).toHaveLength(3);
    const [first, second] = server.modelCalls;
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reaches any OpenAI-compatible server (Ollama, vLLM, LM Studio) by environment, with the call parameters on the wire', async () => {
    configureAI({ env: { OPENAI_COMPATIBLE_BASE_URL: server.openaiBaseUrl, OLLAMA_BASE_URL: server.openaiBaseUrl, BATON_AI_MODEL: 'compatible:qwen2.5-7b' } });
    server.enqueue({ text: 'from vllm' }, { text: 'from ollama' });
    const calls = defineWorkflow({ name: 'compatible-calls' }, async (ctx) => {
      const a = await ctx.llm({ prompt: 'hello', temperature: 0.2, maxTokens: 64 });
      const b = await ctx.llm({ model: 'ollama:llama3.2', prompt: 'hello' });
      return [a.text, a.model, b.text, b.model, a.priced];
    });
    const { engine } = await engineFor([calls]);
    expect(await (await engine.client.start(calls, undefined)).result()).toEqual([
      'from vllm',
      'compatible:qwen2.5-7b',
      'from ollama',
      'ollama:llama3.2',
      false,
    ]);
    expect(server.modelCalls.map((c) => c.model)).toEqual(['qwen2.5-7b', 'llama3.2']);
    expect(server.modelCalls[0]).toMatchObject({ temperature: 0.2, maxTokens: 64 });
  });

  it('refuses a model of a provider that is not configured, with a code that says so', async () => {
    configureAI({ env: {} });
    const { engine } = await engineFor([classify]);
    const run = await engine.client.start(classify, { text: 'x', model: 'openai:gpt-4o-mini' });
    await expect(run.result()).rejects.toMatchObject({ code: AiErrorCode.ModelNotConfigured });
    expect((await engine.client.get(run.id))?.error?.message).toContain('names no configured provider');
    expect(server.modelCalls).toHaveLength(0);
  });

  it('tries again after a timeout and after a truncated or malformed response', async () => {
    configure({ timeoutMs: 300, retries: 4 });
    server.enqueue(
      { delayMs: 2000, text: 'too late' },
      { raw: '{"id":"chatcmpl-1","choi' },
      { raw: 'not json at all' },
      { text: '{"topic":"billing","urgent":false}' },
    );
    const { engine } = await engineFor([classify]);
    const out = await (await engine.client.start(classify, { text: 'slow' })).result();
    expect(out).toMatchObject({ object: { topic: 'billing', urgent: false }, failures: 3 });
    expect(server.modelCalls).toHaveLength(4);
  });

  it('falls back to the next model when one keeps failing, and the journal says which answered', async () => {
    configure({ retries: 2 });
    server.respondWith((request: ScriptedModelRequest) =>
      request.model === 'gpt-4o-mini' ? { status: 503 } : { text: '{"topic":"technical","urgent":false}', usage: { input: 40, output: 8 } },
    );
    const { engine } = await engineFor([classify]);
    const out = await (await engine.client.start(classify, { text: 'the app crashes', fallback: ['anthropic:claude-3-5-haiku-latest'] })).result();
    expect(out.model).toBe('anthropic:claude-3-5-haiku-latest');
    expect(out.failures).toBe(2);
    expect(server.callCounts()).toEqual({ 'gpt-4o-mini': 2, 'claude-3-5-haiku-latest': 1 });
    expect(server.modelCalls.at(-1)!.protocol).toBe('anthropic');
  });

  it('fails with BATON_LLM_FAILED when every model fails, after trying each', async () => {
    configure({ retries: 1 });
    server.respondWith(() => ({ status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } }));
    const { engine } = await engineFor([classify]);
    const run = await engine.client.start(classify, { text: 'x', fallback: ['anthropic:claude-3-5-haiku-latest', 'nowhere:model'] });
    await expect(run.result()).rejects.toMatchObject({ code: AiErrorCode.LlmFailed });
    expect(server.modelCalls).toHaveLength(2);
    // The failed call's entry keeps what was asked, as its input.
    expect((await engine.client.journal(run.id)).find((e) => e.name === 'llm:classify')).toMatchObject({
      status: 'failed',
      input: {
        models: ['openai:gpt-4o-mini', 'anthropic:claude-3-5-haiku-latest', 'nowhere:model'],
        system: 'You classify support tickets.',
        messages: [{ role: 'user', content: 'x' }],
      },
    });
  });

  it('serves a repeated call from the cross-run cache, marked in the journal, at no cost', async () => {
    configure({ cache: { ttlMs: 60_000 } });
    server.enqueue({ text: '{"topic":"billing","urgent":false}', usage: { input: 10, output: 5 } });
    const { engine } = await engineFor([classify]);
    const first = await (await engine.client.start(classify, { text: 'invoice question' })).result();
    const second = await (await engine.client.start(classify, { text: 'invoice question' })).result();
    expect(first).toMatchObject({ cached: false, object: { topic: 'billing', urgent: false } });
    expect(second).toMatchObject({ cached: true, costUsd: 0, object: { topic: 'billing', urgent: false } });
    expect(server.modelCalls).toHaveLength(1);
    // Different content is a different key.
    server.enqueue({ text: '{"topic":"other","urgent":false}' });
    expect((await (await engine.client.start(classify, { text: 'something else' })).result()).cached).toBe(false);
    expect(server.modelCalls).toHaveLength(2);
  });
});

const twoCalls = defineWorkflow({ name: 'two-calls' }, async (ctx) => {
  const a = await ctx.llm({ name: 'a', prompt: 'first' });
  const b = await ctx.llm({ name: 'b', prompt: 'second', maxTokens: 100 });
  return [a.text, b.text];
});

describe('cost and budgets', () => {
  it('sums tokens and cost per run and per model through the client', async () => {
    configure({ prices: { 'openai:gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2 } } });
    server.enqueue({ text: 'one', usage: { input: 1000, output: 100 } }, { text: 'two', usage: { input: 2000, output: 300 } });
    const { engine } = await engineFor([twoCalls]);
    const run = await engine.client.start(twoCalls, undefined);
    expect(await run.result()).toEqual(['one', 'two']);
    const usage = await runUsage(engine.client, run.id);
    expect(usage).toMatchObject({ calls: 2, inputTokens: 3000, outputTokens: 400, unpricedCalls: 0 });
    expect(usage.costUsd).toBeCloseTo((3000 * 1 + 400 * 2) / 1e6, 12);
    expect(Object.keys(usage.byModel)).toEqual(['openai:gpt-4o-mini']);

    server.enqueue({ text: 'three', usage: { input: 10, output: 10 } }, { text: 'four', usage: { input: 10, output: 10 } });
    await (await engine.client.start(twoCalls, undefined)).result();
    const all = await workflowUsage(engine.client, 'two-calls');
    expect(all).toMatchObject({ runs: 2, calls: 4, inputTokens: 3020, outputTokens: 420 });
    expect(all.byModel['openai:gpt-4o-mini']).toMatchObject({ calls: 4, inputTokens: 3020 });
  });

  it('fails the run with BATON_BUDGET_EXCEEDED before a call that would go over', async () => {
    configure({ prices: { 'openai:gpt-4o-mini': { inputPerMTok: 1000, outputPerMTok: 1000 } }, budgets: { 'two-calls': { maxCostUsd: 1.2 } } });
    server.enqueue({ text: 'one', usage: { input: 1000, output: 100 } }, { text: 'two' });
    const { engine } = await engineFor([twoCalls]);
    const run = await engine.client.start(twoCalls, undefined);
    // $1.10 spent; the second call (a short prompt and up to 100 tokens out, about $0.10 more) would pass $1.20.
    await expect(run.result()).rejects.toMatchObject({ code: AiErrorCode.BudgetExceeded });
    expect(server.modelCalls).toHaveLength(1);
  });

  it('waits for an operator to raise the budget, then goes on', async () => {
    configure({ budgets: { 'two-calls': { maxTokens: 1000, onExceeded: 'wait' } } });
    server.enqueue({ text: 'one', usage: { input: 900, output: 100 } }, { text: 'two', usage: { input: 10, output: 10 } });
    const { engine } = await engineFor([twoCalls]);
    const run = await engine.client.start(twoCalls, undefined);
    for (let i = 0; i < 200; i++) {
      const info = await engine.client.get(run.id);
      if (info?.status === 'waiting' && info.waitingFor?.signals.includes(BUDGET_SIGNAL)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await engine.client.get(run.id))?.progress).toMatchObject({ waitingFor: BUDGET_SIGNAL });
    expect(server.modelCalls).toHaveLength(1);
    await engine.client.signal(run.id, BUDGET_SIGNAL, { maxTokens: 5000 });
    expect(await run.result()).toEqual(['one', 'two']);
    expect(server.modelCalls).toHaveLength(2);
  });
});

const refunds: string[] = [];
const lookups: string[] = [];
const notify = defineWorkflow({ name: 'notify-customer', input: z.object({ message: z.string() }) }, async (ctx, input: { message: string }) =>
  ctx.step('send', () => `sent: ${input.message}`),
);
const support = defineWorkflow({ name: 'support-agent' }, async (ctx, input: { question: string }) => {
  const result = await ctx.agent({
    instructions: 'You help customers. Use the tools.',
    prompt: input.question,
    tools: {
      lookupOrder: agentTool({
        description: 'Finds an order by id',
        input: z.object({ orderId: z.string() }),
        execute: ({ orderId }) => {
          lookups.push(orderId);
          return { orderId, amount: 250, status: 'delivered' };
        },
      }),
      approveRefund: humanApproval({ description: 'Asks a person to approve a refund', input: z.object({ orderId: z.string(), amount: z.number() }) }),
      notifyCustomer: workflowTool(notify, { description: 'Sends the customer a message' }),
      refund: agentTool({
        description: 'Refunds an order',
        input: z.object({ orderId: z.string(), amount: z.number() }),
        execute: ({ orderId, amount }, info) => {
          refunds.push(`${orderId}:${amount}:${info.idempotencyKey}`);
          return { refunded: amount };
        },
      }),
    },
    maxTurns: 8,
  });
  return { text: result.text, turns: result.turns, tools: result.toolCalls.map((c) => c.name) };
});

/** The agent's script: what it does next depends only on the tool results it has seen (so replays agree). */
function agentScript(request: ScriptedModelRequest) {
  const results = request.messages.filter((m) => m.role === 'tool').map((m) => m.toolResult!.content);
  if (results.length === 0) return { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'A-1' } }] };
  if (results.length === 1) return { toolCalls: [{ name: 'approveRefund', arguments: { orderId: 'A-1', amount: 250 } }] };
  if (results.length === 2) {
    const approved = (JSON.parse(results[1]!) as { approved: boolean }).approved;
    return approved
      ? { toolCalls: [{ name: 'refund', arguments: { orderId: 'A-1', amount: 250 } }] }
      : { toolCalls: [{ name: 'notifyCustomer', arguments: { message: 'Your refund was declined.' } }] };
  }
  if (results.length === 3 && results[2]!.includes('refunded')) return { toolCalls: [{ name: 'notifyCustomer', arguments: { message: 'Refunded 250.' } }] };
  return { text: `Done after ${results.length} tool calls.` };
}

describe('ctx.agent', () => {
  it('runs tools as steps, child workflows and human approvals, each journaled, and answers', async () => {
    configure();
    refunds.length = 0;
    lookups.length = 0;
    server.respondWith(agentScript);
    const { engine } = await engineFor([support, notify]);
    const run = await engine.client.start(support, { question: 'Refund order A-1 please' });
    for (let i = 0; i < 200 && (await engine.client.get(run.id))?.waitingFor?.signals.includes('approveRefund') !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await engine.client.get(run.id))?.progress).toMatchObject({
      waitingFor: 'approval',
      tool: 'approveRefund',
      request: { orderId: 'A-1', amount: 250 },
    });
    await engine.client.signal(run.id, 'approveRefund', { approved: true, comment: 'ok', by: 'dana' });
    expect(await run.result()).toEqual({ text: 'Done after 4 tool calls.', turns: 5, tools: ['lookupOrder', 'approveRefund', 'refund', 'notifyCustomer'] });
    expect(lookups).toEqual(['A-1']);
    expect(refunds).toHaveLength(1);
    const names = (await engine.client.journal(run.id)).map((e) => `${e.kind}:${e.name}`);
    expect(names).toEqual([
      // The namespace's agent policy (none here) and the run's budget (none here), read at the
      // agent's start and kept for replays.
      'patch:baton:policy',
      'step:baton:policy',
      'step:ai:budget',
      'step:agent:agent:turn-1',
      'step:agent:agent:tool:lookupOrder',
      'step:agent:agent:turn-2',
      'signal:approveRefund',
      'step:agent:agent:turn-3',
      'step:agent:agent:tool:refund',
      'step:agent:agent:turn-4',
      'child:notify-customer',
      'step:agent:agent:turn-5',
    ]);
    expect((await engine.client.journal(run.id)).find((e) => e.name === 'agent:agent:tool:lookupOrder')?.input).toEqual({ orderId: 'A-1' });
    // The model saw the operator's decision as the tool's result.
    expect(server.modelCalls[3]!.messages.find((m) => m.toolResult?.content.includes('dana'))).toBeDefined();
    expect(server.modelCalls).toHaveLength(5);
  });

  it('resumes on a new engine after the old one stopped, without calling any completed model turn or tool again', async () => {
    configure();
    refunds.length = 0;
    lookups.length = 0;
    server.respondWith(agentScript);
    const first = await engineFor([support, notify]);
    const run = await first.engine.client.start(support, { question: 'Refund order A-1 please' });
    for (let i = 0; i < 200 && (await first.engine.client.get(run.id))?.waitingFor?.signals.includes('approveRefund') !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const callsBefore = server.modelCalls.length;
    expect(callsBefore).toBe(2);
    await first.engine.stop();
    // The configuration changes meanwhile: the run keeps the budget it started with (none).
    configure({ budgets: { 'support-agent': { maxTokens: 1, onExceeded: 'wait' } } });
    // A new engine on the same file: the run is replayed from its journal up to the approval.
    const store = new SqliteStore({ path: first.path });
    const engine = new Engine({ store, workflows: [support, notify], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    open.push({ engine, store });
    await engine.client.signal(run.id, 'approveRefund', { approved: false, comment: 'not eligible' });
    expect(await engine.client.result(run.id)).toEqual({
      text: 'Done after 3 tool calls.',
      turns: 4,
      tools: ['lookupOrder', 'approveRefund', 'notifyCustomer'],
    });
    expect(server.modelCalls.length - callsBefore).toBe(2); // turns 3 and 4 only
    expect(lookups).toEqual(['A-1']);
    expect(refunds).toEqual([]);
  });

  it('gives the model an error for an unknown tool or bad input instead of failing, and stops after maxTurns', async () => {
    configure();
    server.respondWith((request) => {
      const results = request.messages.filter((m) => m.role === 'tool').length;
      return results === 0 ? { toolCalls: [{ name: 'nope', arguments: {} }] } : { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 7 } }] };
    });
    const { engine } = await engineFor([support, notify]);
    const run = await engine.client.start(support, { question: 'loop' });
    await expect(run.result()).rejects.toMatchObject({ code: AiErrorCode.AgentMaxTurns });
    const toolResults = server.modelCalls[2]!.messages.filter((m) => m.role === 'tool').map((m) => m.toolResult!.content);
    expect(toolResults[0]).toContain("no tool 'nope'");
    expect(toolResults[1]).toContain('orderId');
  });

  it('after a failed tool, a retry of the run repeats only the failed step', async () => {
    configure();
    let fail = true;
    const attempts: number[] = [];
    const flaky = defineWorkflow({ name: 'flaky-agent' }, async (ctx) => {
      const result = await ctx.agent({
        instructions: 'Use the tool.',
        prompt: 'go',
        onToolError: 'throw',
        tools: {
          flaky: agentTool({
            description: 'Fails until fixed',
            input: z.object({}),
            retry: { maxAttempts: 1 },
            execute: () => {
              attempts.push(Date.now());
              if (fail) throw new Error('the service is down');
              return { ok: true };
            },
          }),
        },
      });
      return result.text;
    });
    server.respondWith((request) =>
      request.messages.some((m) => m.role === 'tool') ? { text: 'all good' } : { toolCalls: [{ name: 'flaky', arguments: {} }] },
    );
    const { engine } = await engineFor([flaky]);
    const run = await engine.client.start(flaky, undefined);
    await expect(run.result()).rejects.toMatchObject({ code: 'BATON_STEP_FAILED' });
    expect(server.modelCalls).toHaveLength(1);
    fail = false;
    await engine.client.retry(run.id);
    expect(await engine.client.result(run.id)).toBe('all good');
    // The first turn was not asked again: only the failed tool ran again, then the next turn.
    expect(server.modelCalls).toHaveLength(2);
    expect(attempts).toHaveLength(2);
  });

  it('runs the same tool loop on the Anthropic Messages protocol', async () => {
    configure({ defaultModel: 'anthropic:claude-sonnet-4-5' });
    lookups.length = 0;
    const lookupAgent = defineWorkflow({ name: 'lookup-agent' }, async (ctx) => {
      const result = await ctx.agent({
        instructions: 'Look the order up, then answer.',
        prompt: 'Where is A-9?',
        schema: z.object({ status: z.string() }),
        tools: {
          lookupOrder: agentTool({
            description: 'Finds an order by id',
            input: z.object({ orderId: z.string() }),
            execute: ({ orderId }) => {
              lookups.push(orderId);
              return { orderId, status: 'delivered' };
            },
          }),
        },
      });
      return result.object;
    });
    server.respondWith((request) =>
      request.messages.some((m) => m.role === 'tool')
        ? { text: '{"status":"delivered"}' }
        : { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'A-9' } }] },
    );
    const { engine } = await engineFor([lookupAgent]);
    expect(await (await engine.client.start(lookupAgent, undefined)).result()).toEqual({ status: 'delivered' });
    expect(lookups).toEqual(['A-9']);
    expect(server.modelCalls.map((c) => c.protocol)).toEqual(['anthropic', 'anthropic']);
    // The tool result went back as an Anthropic tool_result for the model's tool_use.
    expect(server.modelCalls[1]!.messages.find((m) => m.role === 'tool')?.toolResult?.content).toContain('delivered');
  });
});
