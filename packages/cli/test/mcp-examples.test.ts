/**
 * The examples' workflows as MCP tools: `baton mcp --workflows examples/index.ts`, started by the SDK's
 * client over stdio, lists each workflow the examples export as a tool with its input schema, and runs
 * the small-invoice approval (auto-approved), the daily digest and the knowledge-base answer (a tool
 * whose workflow calls the tools of another MCP server) end to end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, childEnv, tempDir } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples/index.ts');

let client: McpClient;
let stderr = '';

beforeAll(async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workflows', EXAMPLES, '--db', join(tempDir(), 'examples.db'), '--wait', '120'],
    env: childEnv() as Record<string, string>,
    cwd: ROOT,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client = new McpClient({ name: 'examples-test', version: '1.0.0' });
  await client.connect(transport);
}, 90_000);

afterAll(async () => {
  await client.close();
});

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 150_000 })) as CallToolResult;
}

describe('baton mcp --workflows examples/index.ts', () => {
  it("lists the examples' workflows as tools with their input schemas", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'invoice-approval',
        'customer-onboarding',
        'order-fulfilment',
        'daily-digest',
        'support-triage',
        'content-pipeline',
        'knowledge-answer',
      ]),
    );
    expect(tools.find((t) => t.name === 'invoice-approval')?.inputSchema).toMatchObject({
      type: 'object',
      properties: { document: { type: 'string', minLength: 1 } },
      required: ['document'],
    });
    for (const tool of tools) expect(tool.inputSchema.type, tool.name).toBe('object');
    expect(tools.find((t) => t.name === 'daily-digest')?.description).toBe('Weekday 08:00 digest of open items.');
    expect(tools.find((t) => t.name === 'knowledge-answer')).toMatchObject({
      description: 'Answers a question from the knowledge base MCP server.',
      inputSchema: { properties: { question: { type: 'string' } }, required: ['question'] },
    });
  });

  it('runs a small invoice to its payment, a daily digest, and a knowledge-base answer from its MCP server', async () => {
    const document = (JSON.parse(readFileSync(join(ROOT, 'examples/invoice-approval/inputs/small-invoice.json'), 'utf8')) as { document: string }).document;
    const invoice = await call('invoice-approval', { document });
    expect(invoice.isError, JSON.stringify(invoice.content)).toBeFalsy();
    expect(invoice.structuredContent).toMatchObject({ status: 'paid', invoiceId: 'INV-2030-0007', autoApproved: true });

    const digest = await call('daily-digest', { team: 'operations' });
    expect(digest.isError, JSON.stringify(digest.content)).toBeFalsy();
    expect(digest.structuredContent).toMatchObject({ team: 'operations', items: expect.any(Number) });

    // A tool whose workflow is itself a client of the knowledge base's MCP server.
    const answer = await call('knowledge-answer', { question: 'Can I get a refund for a faulty espresso machine?' });
    expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({ article: { id: 'KB-101', title: 'Refunds for faulty appliances' }, alsoSee: ['KB-102'] });
  }, 180_000);

  it('logs to stderr only', () => {
    expect(stderr).toContain('baton mcp: ');
  });
});
