/**
 * createMcpServer in process: an engine on an in-memory SQLite store, the SDK's client linked to the
 * server by its in-memory transport. Covers what the stdio test of `baton mcp` does not: tool names
 * MCP clients accept, inputs that are not objects, Baton's own workflows left out, cancel_run.
 */
import { defineWorkflow, Engine, silentLogger } from '@baton/core';
import { createMcpServer, toolNames, type McpToolCall } from '@baton/mcp';
import { SqliteStore } from '@baton/sqlite';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from '@baton/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const refund = defineWorkflow(
  { name: 'orders.refund', description: 'Refunds an order.', input: z.object({ orderId: z.string(), cents: z.number().int().default(100) }) },
  async (ctx, input) => ctx.step('refund', () => ({ refunded: input.orderId, cents: input.cents })),
);
const shout = defineWorkflow({ name: 'shout', input: z.string() }, async (_ctx, input) => input.toUpperCase());
const hold = defineWorkflow({ name: 'hold' }, async (ctx) => ctx.waitForSignal('release'));
const internal = defineWorkflow({ name: 'baton.internal' }, async () => 'hidden');
const refundV2 = defineWorkflow(
  { name: 'orders.refund', version: '2', description: 'Refunds an order (v2).', input: refund.options.input },
  async (_ctx, input) => ({
    refunded: input.orderId,
    cents: input.cents,
    version: 2,
  }),
);

let engine: Engine;
let store: SqliteStore;
let client: McpClient;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  engine = new Engine({ store, workflows: [refund, refundV2, shout, hold, internal], logger: silentLogger, schedules: false });
  await engine.start();
  const server = createMcpServer({ client: engine.client, workflows: engine.workflows, waitMs: 30_000 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new McpClient({ name: 'in-process', version: '1.0.0' });
  await client.connect(clientSide);
});

afterAll(async () => {
  await client.close();
  await engine.stop();
  await store.close();
});

async function call(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) }, undefined, { timeout: 60_000 })) as CallToolResult;
}

describe('createMcpServer', () => {
  it('offers the current version of each workflow under a name MCP clients accept, without Baton’s own', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'cancel_run',
      'get_run',
      'hold',
      'list_waiting_runs',
      'orders_refund',
      'send_signal',
      'shout',
      'wait_run',
    ]);
    const tool = tools.find((t) => t.name === 'orders_refund');
    expect(tool).toMatchObject({ title: 'orders.refund', description: 'Refunds an order (v2).' });
    // The input a caller sends: a field with a default is optional.
    expect(tool?.inputSchema).toMatchObject({
      type: 'object',
      properties: { orderId: { type: 'string' }, cents: { type: 'integer', default: 100 } },
      required: ['orderId'],
    });
    // An input that is not an object is the `input` argument.
    expect(tools.find((t) => t.name === 'shout')?.inputSchema).toEqual({
      type: 'object',
      properties: { input: { type: 'string' } },
      required: ['input'],
      additionalProperties: false,
    });
  });

  it('runs the current version, and unwraps an input that is not an object', async () => {
    expect((await call('orders_refund', { orderId: 'o-1' })).structuredContent).toEqual({ refunded: 'o-1', cents: 100, version: 2 });
    const shouted = await call('shout', { input: 'hi' });
    expect(shouted.isError).toBeFalsy();
    expect(shouted.content).toEqual([{ type: 'text', text: '"HI"' }]);
  });

  it('cancels a run with cancel_run; waiting on it then reports the cancellation as a tool error', async () => {
    const started = await call('hold', {}, { 'baton/waitSeconds': 0 });
    const { runId } = started.structuredContent as { runId: string };
    expect(started.structuredContent).toMatchObject({ workflow: 'hold' });
    await call('cancel_run', { runId, reason: 'not needed' });
    const ended = await call('wait_run', { runId, seconds: 60 });
    expect(ended.isError).toBe(true);
    expect(JSON.parse((ended.content[0] as { text: string }).text)).toMatchObject({ code: 'BATON_CANCELLED', status: 'cancelled', runId });
  });

  it('refuses a wait outside its bounds and an unknown tool with stable codes', async () => {
    const wait = await call('wait_run', { runId: 'x', seconds: 10_000 });
    expect(JSON.parse((wait.content[0] as { text: string }).text)).toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
    const unknown = await call('nope', {});
    expect(JSON.parse((unknown.content[0] as { text: string }).text)).toMatchObject({ code: 'BATON_WORKFLOW_NOT_FOUND' });
    const badMeta = await call('shout', { input: 'x' }, { 'baton/waitSeconds': -1 });
    expect(badMeta.isError).toBe(true);
  });
});

describe('toolNames', () => {
  it('replaces what tool names disallow and keeps names unique, apart from the run tools', () => {
    const names = toolNames(['a.b', 'a_b', 'get_run', 'x y/z']);
    expect([...names]).toEqual([
      ['a.b', 'a_b_2'],
      ['a_b', 'a_b'],
      ['get_run', 'get_run_2'],
      ['x y/z', 'x_y_z'],
    ]);
  });

  it('never gives a valid name’s tool to a workflow listed before it whose name only maps onto it', () => {
    // `orders_refund` is a tool; `orders.refund`, deployed later, sorts before it in the catalog.
    expect(toolNames(['orders_refund']).get('orders_refund')).toBe('orders_refund');
    const later = toolNames(['orders.refund', 'orders_refund']);
    expect(later.get('orders_refund')).toBe('orders_refund');
    expect(later.get('orders.refund')).toBe('orders_refund_2');
  });
});

describe('createMcpServer with roles, progress and waiting runs', () => {
  const review = defineWorkflow({ name: 'review', signals: { verdict: z.object({ ok: z.boolean() }) } }, async (ctx) => {
    ctx.setProgress({ stage: 'waiting for a reviewer' });
    return ctx.waitForSignal('verdict', { schema: z.object({ ok: z.boolean() }) });
  });
  let reviewStore: SqliteStore;
  let reviewEngine: Engine;

  beforeAll(async () => {
    reviewStore = new SqliteStore({ path: ':memory:' });
    reviewEngine = new Engine({ store: reviewStore, workflows: [review, refund], logger: silentLogger, schedules: false });
    await reviewEngine.start();
  });

  afterAll(async () => {
    await reviewEngine.stop();
    await reviewStore.close();
  });

  async function connected(options: { role?: 'viewer' | 'operator'; audit?: (call: McpToolCall) => Promise<void> } = {}): Promise<McpClient> {
    const server = createMcpServer({ client: reviewEngine.client, workflows: reviewEngine.workflows, waitMs: 60_000, progressPollMs: 20, ...options });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const mcp = new McpClient({ name: 'in-process', version: '1.0.0' });
    await mcp.connect(clientSide);
    return mcp;
  }

  it('sends progress while waiting, lists the waiting run with its signal’s schema from the code, and refuses data that does not match it', async () => {
    const calls: McpToolCall[] = [];
    const mcp = await connected({ audit: async (call) => void calls.push(call) });
    try {
      const messages: string[] = [];
      let seen: () => void = () => {};
      const progressed = new Promise<void>((resolve) => (seen = resolve));
      const pending = mcp.callTool({ name: 'review', arguments: {}, _meta: { 'baton/runId': 'review-1' } }, undefined, {
        timeout: 60_000,
        onprogress: (p) => {
          messages.push(p.message ?? '');
          seen();
        },
      });
      await progressed;
      expect(messages[0]).toBe('{"stage":"waiting for a reviewer"}');
      await until(async () => (await reviewEngine.client.get('review-1'))?.status === 'waiting');
      const waiting = (await mcp.callTool({ name: 'list_waiting_runs', arguments: {} })).structuredContent as { runs: Record<string, unknown>[] };
      expect(waiting.runs).toEqual([
        expect.objectContaining({
          runId: 'review-1',
          signals: [{ name: 'verdict', schema: expect.objectContaining({ type: 'object', properties: { ok: { type: 'boolean' } } }) }],
          progress: { stage: 'waiting for a reviewer' },
        }),
      ]);
      const wrong = (await mcp.callTool({ name: 'send_signal', arguments: { runId: 'review-1', name: 'verdict', data: { ok: 1 } } })) as CallToolResult;
      expect(wrong.isError).toBe(true);
      expect(JSON.parse((wrong.content[0] as { text: string }).text)).toMatchObject({ code: 'BATON_INVALID_SIGNAL' });
      await mcp.callTool({ name: 'send_signal', arguments: { runId: 'review-1', name: 'verdict', data: { ok: true } } });
      expect(((await pending) as CallToolResult).structuredContent).toEqual({ ok: true });
      expect(calls).toContainEqual({ tool: 'send_signal', runId: 'review-1', result: 'BATON_INVALID_SIGNAL' });
      expect(calls).toContainEqual({ tool: 'review', runId: 'review-1', result: 'ok' });
    } finally {
      await mcp.close();
    }
  });

  it('stops waiting once its client cancels the call, a workflow tool’s or wait_run’s, and audits the run it started', async () => {
    const calls: McpToolCall[] = [];
    const mcp = await connected({ audit: async (call) => void calls.push(call) });
    const started = new AbortController();
    const call = mcp.callTool({ name: 'review', arguments: {}, _meta: { 'baton/runId': 'mcp-cancelled-call', 'baton/waitSeconds': 300 } }, undefined, {
      signal: started.signal,
      timeout: 600_000,
    });
    await waitFor(async () => (await reviewEngine.client.get('mcp-cancelled-call'))?.status === 'waiting', { timeoutMs: 30_000, message: 'the run to wait' });
    started.abort(new Error('the person closed the chat'));
    await expect(call).rejects.toThrow('the person closed the chat');
    // Without the cancellation the server would hold the wait (and its polling) for 300 s.
    await waitFor(() => calls.find((c) => c.tool === 'review'), { timeoutMs: 30_000, message: 'the cancelled call to end' });
    expect(calls).toContainEqual({ tool: 'review', runId: 'mcp-cancelled-call', result: 'BATON_CANCELLED' });

    const waited = new AbortController();
    const wait = mcp.callTool({ name: 'wait_run', arguments: { runId: 'mcp-cancelled-call', seconds: 300 } }, undefined, {
      signal: waited.signal,
      timeout: 600_000,
    });
    // The cancellation follows the request on the same ordered transport: the handler's wait is what must end.
    waited.abort(new Error('gave up'));
    await expect(wait).rejects.toThrow('gave up');
    await waitFor(() => calls.find((c) => c.tool === 'wait_run'), { timeoutMs: 30_000, message: 'the cancelled wait_run to end' });
    expect(calls).toContainEqual({ tool: 'wait_run', runId: 'mcp-cancelled-call', result: 'BATON_CANCELLED' });
    // The run itself goes on.
    expect((await reviewEngine.client.get('mcp-cancelled-call'))?.status).toBe('waiting');
    await mcp.close();
  }, 120_000);

  it('gives a viewer the tools that change nothing and refuses the rest with BATON_FORBIDDEN', async () => {
    const calls: McpToolCall[] = [];
    const mcp = await connected({ role: 'viewer', audit: async (call) => void calls.push(call) });
    try {
      expect((await mcp.listTools()).tools.map((t) => t.name).sort()).toEqual(['get_run', 'list_waiting_runs', 'wait_run']);
      const refused = (await mcp.callTool({
        name: 'orders_refund',
        arguments: { orderId: 'o-9' },
        _meta: { 'baton/runId': 'viewer-refund' },
      })) as CallToolResult;
      expect(JSON.parse((refused.content[0] as { text: string }).text)).toMatchObject({ code: 'BATON_FORBIDDEN' });
      expect(await reviewEngine.client.get('viewer-refund')).toBeUndefined();
      expect(calls).toEqual([{ tool: 'orders_refund', runId: 'viewer-refund', result: 'BATON_FORBIDDEN', detail: { needed: 'operator', role: 'viewer' } }]);
    } finally {
      await mcp.close();
    }
  });
});

/** Waits until `condition` holds, checking often, for up to 30 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
