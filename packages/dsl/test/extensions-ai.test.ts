/**
 * `call: baton.llm` and `call: baton.agent` on a real engine (SQLite file), against @baton/ai's
 * scripted model server over loopback: text and structured answers, budgets, agents whose tools are
 * workflows (each call a child run), and a run that resumes on another engine after its model call
 * and its shell command without paying for the call or running the command again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, silentLogger, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

let server: ScriptedModelServer;
const runner = new DefinitionRunner();
const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-ai-'));

beforeAll(async () => {
  server = await startScriptedModelServer();
  configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: server.openaiBaseUrl }, defaultModel: 'openai:gpt-4o-mini', retries: 1 });
});

afterEach(() => server.reset());

afterAll(async () => {
  await runner.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const lookup = defineWorkflow({ name: 'shop.lookup', input: z.object({ orderId: z.string() }), description: 'Finds an order' }, (_ctx, input) =>
  Promise.resolve({ orderId: input.orderId, status: 'shipped' }),
);

function resolver(workflows: AnyWorkflow[]) {
  return (name: string) => workflows.find((w) => w.name === name);
}

describe('call: baton.llm', () => {
  it('asks the model with the prompt and system built from the input, and outputs its answer', async () => {
    server.enqueue({ text: 'Bonjour, Ada.', usage: { input: 12, output: 4 } });
    const out = await runner.run(
      definition(`
do:
  - greet:
      call: baton.llm
      with:
        system: You translate into French.
        prompt: '\${ "Say hello to " + .name }'
      output:
        as: '\${ { text, model, tokens: .usage.totalTokens } }'
`),
      { name: 'Ada' },
    );
    expect(out.output).toEqual({ text: 'Bonjour, Ada.', model: 'openai:gpt-4o-mini', tokens: 16 });
    expect(server.modelCalls).toHaveLength(1);
    expect(JSON.stringify(server.modelCalls[0]!.messages)).toContain('Say hello to Ada');
    expect(JSON.stringify(server.modelCalls[0]!.messages)).toContain('You translate into French.');
  });

  it('gives structured output validated against the JSON Schema, re-asking when it does not fit', async () => {
    server.enqueue({ text: '{"topic":"weather"}' }, { text: '{"topic":"billing","urgent":true}' });
    const out = await runner.run(
      definition(`
do:
  - classify:
      call: baton.llm
      with:
        prompt: '\${ .text }'
        schema:
          type: object
          properties:
            topic: { type: string, enum: [ billing, technical, other ] }
            urgent: { type: boolean }
          required: [ topic, urgent ]
      output:
        as: .object
`),
      { text: 'I was charged twice!' },
    );
    expect(out.output).toEqual({ topic: 'billing', urgent: true });
    expect(server.modelCalls).toHaveLength(2);
  });

  it('a budget the call would go over refuses it before any model is called', async () => {
    const out = await runner.run(definition(`do: [ { ask: { call: baton.llm, with: { prompt: '\${ .text }', budget: { maxTokens: 10 } } } } ]`), {
      text: 'a long question '.repeat(20),
    });
    expect(out.fault).toMatchObject({ status: 402, title: 'Budget exceeded', instance: '/do/0/ask' });
    expect(server.modelCalls).toHaveLength(0);
  });

  it('a model that is not configured is a configuration fault', async () => {
    const out = await runner.run(definition(`do: [ { ask: { call: baton.llm, with: { prompt: hi, model: 'nowhere:model' } } } ]`));
    expect(out.fault).toMatchObject({ status: 400, instance: '/do/0/ask' });
    expect(out.fault?.detail).toContain('nowhere:model');
  });
});

describe('call: baton.agent', () => {
  it('uses workflows as tools, each call a child run, and outputs the final answer', async () => {
    server.enqueue({ toolCalls: [{ name: 'shop_lookup', arguments: { orderId: 'A-1' } }] }, { text: 'Order A-1 has shipped.' });
    const workflow = await runner.workflow(
      definition(`
do:
  - support:
      call: baton.agent
      with:
        instructions: You answer questions about orders.
        prompt: '\${ "Where is order " + .orderId + "?" }'
        tools: [ shop.lookup ]
        maxSteps: 3
`),
      { resolveWorkflow: resolver([lookup]) },
    );
    const engine = await runner.engine([workflow, lookup]);
    const { id } = await engine.client.start(workflow, { orderId: 'A-1' });
    const out = await runner.outcome(engine, id);
    expect(out.status).toBe('completed');
    expect(out.output).toMatchObject({
      text: 'Order A-1 has shipped.',
      turns: 2,
      toolCalls: [{ name: 'shop_lookup', input: { orderId: 'A-1' }, output: { orderId: 'A-1', status: 'shipped' } }],
    });
    const children = await engine.client.list({ parentId: id });
    expect(children.runs.map((run) => run.workflow)).toEqual(['shop.lookup']);
    expect(JSON.stringify(server.modelCalls[0]!.tools)).toContain('Finds an order');
  });

  it('a budget stops the agent before the turn that would go over it', async () => {
    server.enqueue({ toolCalls: [{ name: 'shop_lookup', arguments: { orderId: 'A-2' } }], usage: { input: 900, output: 100 } }, { text: 'never asked' });
    const workflow = await runner.workflow(
      definition(`do: [ { support: { call: baton.agent, with: { prompt: Where is A-2?, tools: [ shop.lookup ], budget: { maxTokens: 1000 } } } } ]`),
      { resolveWorkflow: resolver([lookup]) },
    );
    const engine = await runner.engine([workflow, lookup]);
    const out = await runner.outcome(engine, (await engine.client.start(workflow, {})).id);
    expect(out.fault).toMatchObject({ status: 402, instance: '/do/0/support' });
    expect(server.modelCalls).toHaveLength(1);
  });

  it('a tool that names no registered workflow is a configuration fault', async () => {
    const out = await runner.run(
      definition(`do: [ { a: { call: baton.agent, with: { prompt: hi, tools: [ shop.missing ] } } } ]`),
      {},
      { resolveWorkflow: resolver([lookup]) },
    );
    expect(out.fault?.detail).toContain("'shop.missing'");
  });
});

describe('model calls and forks', () => {
  it('a fork branch may not call a model itself (its journal order could not be replayed): a configuration fault', async () => {
    const out = await runner.run(
      definition(`
do:
  - both:
      fork:
        branches:
          - one: { call: baton.llm, with: { prompt: first } }
          - two: { call: baton.llm, with: { prompt: second } }
`),
    );
    expect(out.fault).toMatchObject({ status: 400, instance: '/do/0/both/fork/branches/0/one' });
    expect(out.fault?.detail).toContain('call: baton.workflow');
    expect(server.modelCalls).toHaveLength(0);
  });

  it('branches run workflows as child runs', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - both:
      fork:
        branches:
          - one: { call: baton.workflow, with: { name: shop.lookup, input: { orderId: A } } }
          - two: { call: baton.workflow, with: { name: shop.lookup, input: { orderId: B } } }
`),
      { resolveWorkflow: resolver([lookup]) },
    );
    const engine = await runner.engine([workflow, lookup]);
    const out = await runner.outcome(engine, (await engine.client.start(workflow, {})).id);
    expect(out.output).toEqual([
      { orderId: 'A', status: 'shipped' },
      { orderId: 'B', status: 'shipped' },
    ]);
  });
});

describe('a run resumed on another engine', () => {
  it('replays the model call and the shell command from the journal: never paid for, never run again', async () => {
    const path = join(dir, 'resume.db');
    const log = join(dir, 'ran.log');
    const text = definition(`
do:
  - draft:
      call: baton.llm
      with: { prompt: '\${ "Write a note about " + .topic }' }
  - record:
      run:
        shell: { command: 'echo ran >> "$1"', arguments: [ '${log}' ] }
      output:
        as: '\${ $input }'
  - review:
      call: baton.approval
      with: { title: Send the note?, form: { type: object, properties: { send: { type: boolean } }, required: [ send ] } }
      output:
        as: '\${ { send: .send } }'
`);
    server.enqueue({ text: 'A note.' });
    const options = { allowShell: true };
    const first = new Engine({ store: new SqliteStore({ path }), workflows: [await runner.workflow(text, options)], logger: silentLogger, pollIntervalMs: 20 });
    await first.start();
    const { id } = await first.client.start('tests.test', { topic: 'jq' });
    await expect.poll(async () => (await first.client.get(id))?.status, { timeout: 60_000 }).toBe('waiting');
    await first.stop({ timeoutMs: 1000 });

    const second = new Engine({
      store: new SqliteStore({ path }),
      workflows: [await runner.workflow(text, options)],
      logger: silentLogger,
      pollIntervalMs: 20,
    });
    await second.start();
    try {
      await second.client.signal(id, 'approval', { send: true });
      expect(await second.client.result(id, { timeoutMs: 60_000 })).toEqual({ send: true });
      expect(server.modelCalls).toHaveLength(1);
      expect(readFileSync(log, 'utf8')).toBe('ran\n');
    } finally {
      await second.stop({ timeoutMs: 1000 });
    }
  });
});
