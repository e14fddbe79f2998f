/**
 * `baton mcp` as an MCP client starts it: the SDK's own client spawns the built CLI over stdio and
 * lists the tools, runs a quick workflow, follows one that waits for a signal, sends a run's progress,
 * offers a definition deployed while it runs, and sees a failure.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ROOT, WORKFLOWS, baton, childEnv, registerFixtureWorkflows, tempDir, waitFor } from './helpers.js';

const PROGRESS_WORKFLOWS = join(FIXTURES, 'progress-workflows.ts');
const WELCOME = `document:
  dsl: '1.0.0'
  namespace: shop
  name: welcome
  version: '1.0.0'
  summary: Welcomes a customer
do:
  - hello:
      set:
        greeting: welcome
`;

let client: McpClient;
let transport: StdioClientTransport;
let stderr = '';
let db: string;
const protocolErrors: Error[] = [];

beforeAll(async () => {
  db = join(tempDir(), 'mcp.db');
  transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workflows', `${WORKFLOWS},${PROGRESS_WORKFLOWS}`, '--db', db],
    env: childEnv() as Record<string, string>,
    cwd: ROOT,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client = new McpClient({ name: 'baton-test', version: '1.0.0' });
  // Anything but the protocol on stdout would surface here.
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client.close();
});

async function call(
  name: string,
  args: Record<string, unknown>,
  meta?: Record<string, unknown>,
  onprogress?: (progress: Progress) => void,
): Promise<CallToolResult> {
  const options = { timeout: 90_000, ...(onprogress === undefined ? {} : { onprogress }) };
  return (await client.callTool({ name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) }, undefined, options)) as CallToolResult;
}

function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

describe('baton mcp', () => {
  it('lists one tool per workflow with its input schema, beside the run tools', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['greet', 'approval', 'always-fails', 'get_run', 'wait_run', 'send_signal', 'cancel_run']));
    expect(names.some((n) => n.startsWith('baton'))).toBe(false);
    const greet = tools.find((t) => t.name === 'greet');
    expect(greet?.inputSchema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, times: { type: 'integer', exclusiveMinimum: 0 } },
      required: ['name', 'times'],
    });
    // A workflow without an input schema takes any object.
    expect(tools.find((t) => t.name === 'always-fails')?.inputSchema).toEqual({ type: 'object' });
  });

  it('answers a quick workflow with its output', async () => {
    const result = await call('greet', { name: 'ada', times: 2 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ greeting: 'hello ADA ADA' });
    expect(JSON.parse(text(result))).toEqual({ greeting: 'hello ADA ADA' });
  });

  it('answers a run that waits with its id; send_signal and wait_run take it to its output', async () => {
    const meta = { 'baton/runId': 'mcp-approval-1', 'baton/waitSeconds': 0 };
    const started = await call('approval', { amount: 5 }, meta);
    expect(started.isError).toBeFalsy();
    expect(started.structuredContent).toMatchObject({ runId: 'mcp-approval-1', workflow: 'approval' });
    expect(['queued', 'running', 'waiting']).toContain((started.structuredContent as { status: string }).status);
    // The same run id is the same run (an idempotent start).
    const again = await call('approval', { amount: 5 }, meta);
    expect(again.structuredContent).toMatchObject({ runId: 'mcp-approval-1' });

    const signalled = await call('send_signal', { runId: 'mcp-approval-1', name: 'approve', data: { by: 'ops' } });
    expect(signalled.isError).toBeFalsy();
    const ended = await call('wait_run', { runId: 'mcp-approval-1', seconds: 60 });
    expect(ended.structuredContent).toMatchObject({ runId: 'mcp-approval-1', status: 'completed', output: { approvedBy: 'ops', amount: 5 } });
    const read = await call('get_run', { runId: 'mcp-approval-1' });
    expect(read.structuredContent).toMatchObject({ status: 'completed', output: { approvedBy: 'ops', amount: 5 } });
  });

  it("sends the run's progress as progress notifications while a tool call waits", async () => {
    const seen: Progress[] = [];
    const pending = call('report', {}, { 'baton/runId': 'mcp-report-1' }, (progress) => void seen.push(progress));
    await waitFor(() => seen.some((p) => p.message === 'half way'), { timeoutMs: 60_000, what: 'a progress notification' });
    expect((await call('send_signal', { runId: 'mcp-report-1', name: 'finish' })).isError).toBeFalsy();
    expect((await pending).structuredContent).toEqual({ done: true });
    expect(seen[0]).toMatchObject({ progress: 1, message: 'half way' });
  });

  it('offers a definition deployed into its database while it runs as a tool, and tells the client the tools changed', async () => {
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (changed += 1));
    const file = join(tempDir(), 'welcome.yaml');
    writeFileSync(file, WELCOME);
    const deployed = await baton(['deploy', file, '--db', db]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const tool = await waitFor(async () => (await client.listTools()).tools.find((t) => t.name === 'shop_welcome'), {
      timeoutMs: 60_000,
      what: 'the deployed definition to be a tool',
    });
    expect(tool).toMatchObject({ title: 'shop.welcome', description: 'Welcomes a customer', inputSchema: { type: 'object' } });
    expect((await call('shop_welcome', {})).structuredContent).toEqual({ greeting: 'welcome' });
    await waitFor(() => changed > 0, { timeoutMs: 60_000, what: 'a tools/list_changed notification' });
  });

  it('answers a failed run with a tool error carrying its code and message', async () => {
    const result = await call('always-fails', {});
    expect(result.isError).toBe(true);
    const error = JSON.parse(text(result)) as { code: string; message: string; status: string };
    expect(error.code).toMatch(/^BATON_/);
    expect(error.message).toContain('doomed');
    expect(error.status).toBe('failed');
  });

  it('answers bad input and unknown runs with tool errors, not protocol failures', async () => {
    const bad = await call('greet', { name: '', times: 1 });
    expect(bad.isError).toBe(true);
    expect(JSON.parse(text(bad))).toMatchObject({ code: expect.stringMatching(/^BATON_/) });
    const missing = await call('get_run', { runId: 'no-such-run' });
    expect(missing.isError).toBe(true);
    expect(JSON.parse(text(missing))).toMatchObject({ code: 'BATON_RUN_NOT_FOUND' });
    const cancel = await call('cancel_run', {});
    expect(JSON.parse(text(cancel))).toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
  });

  it('writes nothing but the protocol to stdout; its log goes to stderr', () => {
    expect(protocolErrors).toEqual([]);
    expect(stderr).toContain('baton mcp: ');
  });

  it('stops when its client closes stdin, having written nothing to stdout', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp', '--workflows', WORKFLOWS, '--db', join(tempDir(), 'mcp.db')], { cwd: ROOT, env: childEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Once it serves, the client goes away.
    await new Promise<void>((resolve) => child.stderr.on('data', () => err.includes('baton mcp: ') && resolve()));
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(err).toContain('stdin closed: stopping');
    expect(out).toBe('');
  }, 60_000);

  it('with --no-worker starts runs for the workers on the database and runs none itself', async () => {
    const missing = await baton(['mcp', '--no-worker', '--workflows', WORKFLOWS, '--db', join(tempDir(), 'none.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    const db = join(tempDir(), 'mcp.db');
    await registerFixtureWorkflows(db);
    const own = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--no-worker', '--workflows', WORKFLOWS, '--db', db],
      env: childEnv() as Record<string, string>,
      cwd: ROOT,
    });
    const noWorker = new McpClient({ name: 'baton-test', version: '1.0.0' });
    await noWorker.connect(own);
    try {
      const started = (await noWorker.callTool({ name: 'greet', arguments: { name: 'x', times: 1 }, _meta: { 'baton/waitSeconds': 1 } })) as CallToolResult;
      // Nothing executes it: it waits for a worker.
      expect(started.structuredContent).toMatchObject({ workflow: 'greet', status: 'queued' });
    } finally {
      await noWorker.close();
    }
  }, 60_000);
});
