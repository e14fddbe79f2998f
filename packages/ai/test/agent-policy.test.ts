/**
 * Namespace agent policies on ctx.llm and ctx.agent, against the scripted model server on a real
 * SQLite store: a refused model (first or fallback) or tool is never sent to the wire, the refusal
 * fails the step with BATON_POLICY_REFUSED and is audited once; the policy a run read is the one it
 * keeps, a change reaching only runs that had not read it yet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, silentLogger, type AgentPolicy, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { waitForStatus } from '@baton/testkit';
import { agentTool, configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';

let server: ScriptedModelServer;
let dir: string;
const open: { engine: Engine; store: SqliteStore }[] = [];

beforeAll(async () => {
  server = await startScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'baton-ai-policy-'));
  configureAI({
    env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: server.anthropicBaseUrl },
    defaultModel: 'openai:gpt-4o-mini',
    retries: 1,
  });
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
async function engineFor(workflows: AnyWorkflow[], policy?: AgentPolicy): Promise<Engine> {
  const store = new SqliteStore({ path: join(dir, `policy-${++files}.db`) });
  const engine = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 20 });
  if (policy !== undefined) {
    await store.init();
    await store.putAgentPolicy({ namespace: 'default', policy, updatedAt: 1, updatedBy: 'admin' });
  }
  await engine.start();
  open.push({ engine, store });
  return engine;
}

async function failure(engine: Engine, workflow: AnyWorkflow): Promise<{ id: string; error: Error & { code?: string } }> {
  const handle = await engine.client.start(workflow, {});
  const error = await handle.result({ timeoutMs: 60_000 }).then(
    () => {
      throw new Error('expected the run to fail');
    },
    (failed: unknown) => failed as Error & { code?: string },
  );
  return { id: handle.id, error };
}

async function refusals(engine: Engine): Promise<Record<string, unknown>[]> {
  return (await engine.store.listAudit({ action: 'policy.refused', limit: 10 })).map((entry) => ({
    target: entry.target,
    result: entry.result,
    ...(JSON.parse(entry.detail ?? '{}') as Record<string, unknown>),
  }));
}

describe('agent policies', () => {
  it('refuses a denied model before calling it, failing the step with BATON_POLICY_REFUSED, audited with the run and step', async () => {
    const ask = defineWorkflow({ name: 'policy.ask' }, async (ctx) => (await ctx.llm({ name: 'summary', prompt: 'hi' })).text);
    const engine = await engineFor([ask], { models: { deny: ['openai:gpt-4o*'] } });
    const { id, error } = await failure(engine, ask);
    expect(error.code).toBe('BATON_POLICY_REFUSED');
    expect(error.message).toContain("refused the model 'openai:gpt-4o-mini' for step 'llm:summary'");
    expect(server.modelCalls).toHaveLength(0);
    expect(await refusals(engine)).toEqual([
      {
        target: id,
        result: 'BATON_POLICY_REFUSED',
        step: 'llm:summary',
        subject: 'model',
        name: 'openai:gpt-4o-mini',
        reason: "models.deny has 'openai:gpt-4o*'",
      },
    ]);
  });

  it('refuses a call whose fallback is not on the allow list, so no model of the chain is tried', async () => {
    const ask = defineWorkflow(
      { name: 'policy.fallback' },
      async (ctx) => (await ctx.llm({ prompt: 'hi', model: 'openai:gpt-4o-mini', fallback: ['anthropic:claude-sonnet-4-5'] })).text,
    );
    const engine = await engineFor([ask], { models: { allow: ['openai:*'] } });
    const { error } = await failure(engine, ask);
    expect(error.code).toBe('BATON_POLICY_REFUSED');
    expect(error.message).toContain('anthropic:claude-sonnet-4-5');
    expect(server.modelCalls).toHaveLength(0);
  });

  it('refuses an agent offered a denied tool before its first turn', async () => {
    const lookup = agentTool({ description: 'Looks up', input: z.object({}), execute: () => 'found' });
    const refund = agentTool({ description: 'Refunds', input: z.object({}), execute: () => 'refunded' });
    const agent = defineWorkflow(
      { name: 'policy.agent' },
      async (ctx) => (await ctx.agent({ name: 'support', instructions: 'Help.', prompt: 'go', tools: { lookup, refund } })).text,
    );
    const engine = await engineFor([agent], { tools: { deny: ['refund'] } });
    const { id, error } = await failure(engine, agent);
    expect(error.code).toBe('BATON_POLICY_REFUSED');
    expect(server.modelCalls).toHaveLength(0);
    expect(await refusals(engine)).toMatchObject([{ target: id, step: 'agent:support', subject: 'tool', name: 'refund' }]);
  });

  it('keeps the policy a run read: a later change reaches new runs, not the run that journaled it', async () => {
    server.enqueue({ text: 'first' }, { text: 'second' });
    const twice = defineWorkflow({ name: 'policy.twice' }, async (ctx) => {
      const first = (await ctx.llm({ name: 'one', prompt: 'one' })).text;
      await ctx.waitForSignal('go');
      return [first, (await ctx.llm({ name: 'two', prompt: 'two' })).text];
    });
    const engine = await engineFor([twice], { models: { allow: ['openai:gpt-4o-mini'] } });
    const handle = await engine.client.start(twice, {});
    await waitForStatus(engine, handle.id, 'waiting', 60_000);
    await engine.store.putAgentPolicy({ namespace: 'default', policy: { models: { deny: ['openai:*'] } }, updatedAt: 2, updatedBy: 'admin' });
    await engine.client.signal(handle.id, 'go');
    expect(await handle.result({ timeoutMs: 60_000 })).toEqual(['first', 'second']);
    expect(server.modelCalls).toHaveLength(2);
    const { error } = await failure(engine, twice);
    expect(error.code).toBe('BATON_POLICY_REFUSED');
    expect(server.modelCalls).toHaveLength(2);
  });
});
