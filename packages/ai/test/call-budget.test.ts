/**
 * Budgets of one call (`ctx.llm({ budget })`) and of one agent (`ctx.agent({ budget })`, its turns
 * together), against the scripted model server on a real SQLite store: a call over budget is never
 * made, and an agent stops before the turn that would go over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, silentLogger, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { agentTool, configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';

let server: ScriptedModelServer;
let dir: string;
const open: { engine: Engine; store: SqliteStore }[] = [];

beforeAll(async () => {
  server = await startScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'baton-ai-budget-'));
  configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: server.openaiBaseUrl }, defaultModel: 'openai:gpt-4o-mini', retries: 1 });
});

afterEach(async () => {
  for (const { engine, store } of open.splice(0)) {
    await engine.stop({ timeoutMs: 1000 });
    await store.close();
  }
  server.reset();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
async function engineFor(workflows: AnyWorkflow[]): Promise<Engine> {
  const store = new SqliteStore({ path: join(dir, `budget-${++files}.db`) });
  const engine = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  open.push({ engine, store });
  return engine;
}

async function failure(engine: Engine, workflow: AnyWorkflow): Promise<unknown> {
  const handle = await engine.client.start(workflow, {});
  return handle.result({ timeoutMs: 60_000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('call budgets', () => {
  it('ctx.llm with a budget its estimate is over fails with BATON_BUDGET_EXCEEDED and calls no model', async () => {
    const ask = defineWorkflow(
      { name: 'budget.ask' },
      async (ctx) => (await ctx.llm({ prompt: 'tell me everything '.repeat(40), budget: { maxTokens: 50 } })).text,
    );
    const engine = await engineFor([ask]);
    const handle = await engine.client.start(ask, {});
    const error = await handle.result({ timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string; details?: Record<string, unknown> },
    );
    expect(error?.code).toBe('BATON_BUDGET_EXCEEDED');
    expect(error?.message).toContain('would go over its own budget');
    expect(error?.details).toMatchObject({ spentUsd: 0, tokens: 0, budget: { maxTokens: 50 } });
    expect(server.modelCalls).toHaveLength(0);
    // The refusal is journaled at the call's position, as the step's failure.
    const journal = await engine.client.journal(handle.id);
    const refused = journal.find((e) => e.kind === 'step' && e.name === 'llm');
    expect(refused?.status).toBe('failed');
    expect(JSON.stringify(refused?.error)).toContain('BATON_BUDGET_EXCEEDED');
  });

  it('a workflow that catches the refusal goes on, and its replay refuses at the same position without calling a model', async () => {
    const careful = defineWorkflow({ name: 'budget.careful' }, async (ctx) => {
      try {
        return (await ctx.llm({ prompt: 'tell me everything '.repeat(40), budget: { maxTokens: 10 } })).text;
      } catch (error) {
        const summary = await ctx.step('summary', () => `skipped: ${(error as { code?: string }).code}`);
        await ctx.sleep('1 second');
        return summary;
      }
    });
    const engine = await engineFor([careful]);
    const handle = await engine.client.start(careful, {});
    // The sleep makes the run suspend and be replayed from its journal before it ends.
    expect(await handle.result({ timeoutMs: 60_000 })).toBe('skipped: BATON_BUDGET_EXCEEDED');
    expect(server.modelCalls).toHaveLength(0);
    const journal = await engine.client.journal(handle.id);
    expect(journal.map((e) => [e.kind, e.name, e.status])).toEqual([
      ['step', 'llm', 'failed'],
      ['step', 'summary', 'completed'],
      ['sleep', 'sleep', 'completed'],
    ]);
  });

  it('ctx.llm within its budget is made', async () => {
    server.enqueue({ text: 'short' });
    const ask = defineWorkflow({ name: 'budget.ok' }, async (ctx) => (await ctx.llm({ prompt: 'hi', budget: { maxTokens: 1000 } })).text);
    const engine = await engineFor([ask]);
    expect(await (await engine.client.start(ask, {})).result({ timeoutMs: 60_000 })).toBe('short');
  });

  it('ctx.agent counts its turns together and stops before the turn that would go over', async () => {
    server.enqueue({ toolCalls: [{ name: 'ping', arguments: {} }], usage: { input: 700, output: 100 } }, { text: 'never asked' });
    const ping = agentTool({ description: 'Pings', input: z.object({}), execute: () => 'pong' });
    const agent = defineWorkflow(
      { name: 'budget.agent' },
      async (ctx) => (await ctx.agent({ instructions: 'Ping.', prompt: 'go', tools: { ping }, budget: { maxTokens: 800 } })).text,
    );
    const error = await failure(await engineFor([agent]), agent);
    expect(String((error as Error).message)).toContain('own budget');
    expect(server.modelCalls).toHaveLength(1);
  });
});

describe("a namespace's model spend quota", () => {
  it('lets calls be made until the day is spent, then refuses the next with BATON_QUOTA_EXCEEDED without calling a model', async () => {
    server.enqueue({ text: 'first', usage: { input: 700, output: 100 } }, { text: 'never asked' });
    const twice = defineWorkflow({ name: 'quota.twice' }, async (ctx) => {
      await ctx.llm({ prompt: 'one' });
      return (await ctx.llm({ prompt: 'two' })).text;
    });
    const engine = await engineFor([twice]);
    await engine.client.quotas.set('team-a', { modelSpendPerDayUsd: 0.0001 });
    const handle = await engine.client.as({ id: 'key-a', namespace: 'team-a' }).start(twice, {});
    const error = await handle.result({ timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; details?: Record<string, unknown> },
    );
    expect(error?.code).toBe('BATON_QUOTA_EXCEEDED');
    expect(error?.details).toMatchObject({ namespace: 'team-a', quota: 'modelSpendPerDayUsd', limit: 0.0001 });
    expect(server.modelCalls).toHaveLength(1);
    // Another namespace has no quota: its calls are made.
    server.reset();
    server.enqueue({ text: 'a' }, { text: 'b' });
    expect(await (await engine.client.as({ id: 'key-b', namespace: 'team-b' }).start(twice, {})).result({ timeoutMs: 60_000 })).toBe('b');
  });
});
