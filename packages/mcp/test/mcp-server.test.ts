/**
 * createMcpServer in process: an engine on an in-memory SQLite store, the SDK's client linked to the
 * server by its in-memory transport. Covers what the stdio test of `baton mcp` does not: tool names
 * MCP clients accept, inputs that are not objects, Baton's own workflows left out, cancel_run.
 */
import { defineWorkflow, Engine, silentLogger } from '@baton/core';
import { createMcpServer, toolNames } from '@baton/mcp';
import { SqliteStore } from '@baton/sqlite';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
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
    expect([...names.values()]).toEqual(['a_b', 'a_b_2', 'get_run_2', 'x_y_z']);
  });
});
