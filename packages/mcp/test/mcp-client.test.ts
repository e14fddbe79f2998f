/**
 * ctx.mcp against a real MCP server written with the SDK (test/fixtures/tool-server.mjs), over stdio
 * (a child process) and over Streamable HTTP on 127.0.0.1, in an engine on a SQLite file. The server
 * appends every tool call to a file, so the tests count what it really did: a journaled call is not
 * made again on replay, a tool error is not retried, a broken connection is reopened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, silentLogger, type AnyWorkflow } from '@baton/core';
import {
  McpConnectionPool,
  McpErrorCode,
  closeMcpConnections,
  configureMcp,
  loadMcpConfigFile,
  mcpConfig,
  mcpConnections,
  mcpRequest,
  parseMcpServers,
  type McpServerConfig,
} from '@baton/mcp';
import { SqliteStore } from '@baton/sqlite';
import { waitFor, waitForStatus } from '@baton/testkit';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error & { code?: string },
  );
  if (outcome === undefined) throw new Error('expected the promise to reject, but it resolved');
  return outcome;
}

const SERVER = fileURLToPath(new URL('./fixtures/tool-server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-mcp-client-'));
const callsFile = join(dir, 'calls.jsonl');
const stdio: McpServerConfig = { command: process.execPath, args: [SERVER], env: { TOOL_CALLS: callsFile } };
let httpServer: ChildProcess;
let http: McpServerConfig;
const open: { engine: Engine; store: SqliteStore }[] = [];

beforeAll(async () => {
  httpServer = spawn(process.execPath, [SERVER, '--http'], {
    env: { ...process.env, TOOL_CALLS: callsFile, REQUIRED_AUTH: 'Bearer s3cret' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  httpServer.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await waitFor(() => /listening (\S+)\n/.exec(output)?.[1], { timeoutMs: 30_000, message: 'the HTTP MCP server to listen' });
  http = { url, headers: { authorization: 'Bearer s3cret' } };
  configureMcp({ servers: { tools: stdio, 'tools-http': http } });
});

afterAll(async () => {
  await closeMcpConnections();
  httpServer.kill();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const { engine, store } of open.splice(0)) {
    await engine.stop({ timeoutMs: 1000 });
    await store.close();
  }
  rmSync(callsFile, { force: true });
});

let files = 0;
async function engineFor(workflows: AnyWorkflow[]): Promise<Engine> {
  const store = new SqliteStore({ path: join(dir, `client-${++files}.db`) });
  const engine = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  open.push({ engine, store });
  return engine;
}

function calls(tool?: string): { tool: string; arguments: Record<string, unknown> }[] {
  if (!existsSync(callsFile)) return [];
  const all = readFileSync(callsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { tool: string; arguments: Record<string, unknown> });
  return tool === undefined ? all : all.filter((call) => call.tool === tool);
}

/** Calls `record`, then waits for a signal (the run leaves memory), then calls `lookup`: replay must not call `record` again. */
const recordThenWait = defineWorkflow({ name: 'record-then-wait' }, async (ctx, input: { server: string }) => {
  const server = ctx.mcp(input.server);
  const tools = await server.listTools();
  const recorded = await server.callTool('record', { text: 'hello' });
  await ctx.waitForSignal('go');
  const looked = await server.callTool('lookup', { topic: 'refunds' });
  return { tools: tools.map((t) => t.name).sort(), recorded: recorded.content, article: looked.structuredContent };
});

describe.each([
  ['stdio', 'tools'],
  ['Streamable HTTP', 'tools-http'],
])('ctx.mcp over %s', (_transport, serverName) => {
  it('journals a tool call and the tool list, and never makes a journaled call again on replay', async () => {
    const engine = await engineFor([recordThenWait]);
    const { id } = await engine.client.start('record-then-wait', { server: serverName });
    await waitForStatus(engine, id, 'waiting', 30_000);
    expect(calls('record')).toHaveLength(1);
    await engine.client.signal(id, 'go');
    const output = await engine.client.result(id, { timeoutMs: 30_000 });
    expect(output).toEqual({
      tools: ['fail', 'flaky', 'hang', 'lookup', 'record'],
      recorded: [{ type: 'text', text: 'recorded: hello' }],
      article: { topic: 'refunds', article: 'Refunds are paid within 5 working days.' },
    });
    // The replay after the signal returned the journaled result: the server saw one call.
    expect(calls().map((call) => call.tool)).toEqual(['record', 'lookup']);
    // The step's idempotency key reached the server.
    expect(calls('record')[0]!.arguments.idempotencyKey).toMatch(new RegExp(`^${id}`));
    const names = (await engine.client.journal(id)).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining([`mcp:${serverName}:tools/list`, `mcp:${serverName}:record`, `mcp:${serverName}:lookup`]));
    expect(names.filter((name) => name === `mcp:${serverName}:tools/list`)).toHaveLength(1);
  });

  it('fails on a tool error with BATON_MCP_TOOL_ERROR, without retrying the tool', async () => {
    const failing = defineWorkflow({ name: 'failing' }, async (ctx, input: { server: string }) => {
      try {
        await ctx.mcp(input.server).callTool('fail', { reason: 'no stock' }, { retry: { maxAttempts: 3, initialInterval: 10 } });
        return 'unexpected';
      } catch (error) {
        const e = error as { code?: string; message: string; details?: { result?: unknown } };
        return { code: e.code, message: e.message, result: e.details?.result };
      }
    });
    const engine = await engineFor([failing]);
    const { id } = await engine.client.start('failing', { server: serverName });
    const output = await engine.client.result(id, { timeoutMs: 30_000 });
    expect(output).toMatchObject({
      code: McpErrorCode.ToolError,
      message: `The MCP tool 'fail' of server '${serverName}' reported an error: cannot do that: no stock`,
    });
    expect(calls('fail')).toHaveLength(1);
  });
});

describe('mcpRequest', () => {
  it('makes any client request and answers its JSON-RPC result', async () => {
    const listed = await mcpRequest(http, 'tools/list');
    expect((listed.tools as { name: string }[]).map((t) => t.name)).toContain('lookup');
    const result = await mcpRequest(stdio, 'tools/call', { name: 'lookup', arguments: { topic: 'shipping' } });
    expect(result.structuredContent).toEqual({ topic: 'shipping', article: 'Orders ship from Rotterdam within 24 hours.' });
  });

  it('answers a request the server refuses with a non-retryable BATON_MCP_REQUEST_FAILED, and a refused connection with a retryable BATON_MCP_UNAVAILABLE', async () => {
    // The SDK's McpServer answers an unknown tool with a tool error result (the JSON-RPC result).
    expect(await mcpRequest(stdio, 'tools/call', { name: 'nope', arguments: {} })).toMatchObject({ isError: true });
    // It offers no prompts: prompts/get is an unknown method, which retrying cannot fix.
    const refused = await rejection(mcpRequest(stdio, 'prompts/get', { name: 'nope' }));
    expect(refused).toMatchObject({ code: McpErrorCode.RequestFailed, retryable: false, message: expect.stringContaining('Method not found') });
    const unauthorised = await rejection(mcpRequest({ url: (http as { url: string }).url }, 'tools/list'));
    expect(unauthorised).toMatchObject({ code: McpErrorCode.Unavailable, retryable: true });
    expect(unauthorised.message).toContain((http as { url: string }).url);
    const badMethod = await rejection(mcpRequest(stdio, 'tools/delete' as never));
    expect(badMethod).toMatchObject({ code: McpErrorCode.RequestFailed, retryable: false });
  });

  it('retries a call whose server died before answering, with the step’s retry policy, and journals the answer of the retry', async () => {
    const own: McpServerConfig = { ...stdio, env: { TOOL_CALLS: callsFile, INSTANCE: 'flaky' } };
    const marker = join(dir, 'flaky-marker');
    const flaky = defineWorkflow({ name: 'flaky-call' }, async (ctx) => {
      const answer = await ctx.mcp(own).callTool('flaky', { marker }, { retry: { maxAttempts: 5, initialInterval: 10 } });
      await ctx.waitForSignal('go');
      return answer.content;
    });
    const engine = await engineFor([flaky]);
    const { id } = await engine.client.start('flaky-call', {});
    await waitForStatus(engine, id, 'waiting', 30_000);
    // The first attempt reached the server, which died; a later attempt, on a new connection, was answered.
    const made = calls('flaky');
    expect(made.length).toBeGreaterThanOrEqual(2);
    const entry = (await engine.client.journal(id)).find((e) => e.name.endsWith(':flaky'));
    expect(entry).toMatchObject({ status: 'completed' });
    expect(entry!.attempts).toBeGreaterThanOrEqual(2);
    await engine.client.signal(id, 'go');
    expect(await engine.client.result(id, { timeoutMs: 30_000 })).toEqual([{ type: 'text', text: 'answered' }]);
    // The replay after the signal answered from the journal: no call after the one that was answered.
    expect(calls('flaky')).toHaveLength(made.length);
  });

  it('reopens a stdio connection whose server died', async () => {
    const own: McpServerConfig = { ...stdio, env: { TOOL_CALLS: callsFile, INSTANCE: 'reopen' } };
    await mcpRequest(own, 'tools/list');
    const client = await mcpConnections().client(own);
    // The server process goes away; the next request opens a new connection (after at most one retryable failure).
    const transport = client.transport as { pid?: number | null } | undefined;
    expect(transport?.pid).toBeGreaterThan(0);
    process.kill(transport!.pid!, 'SIGKILL');
    await waitFor(
      async () => {
        try {
          await mcpRequest(own, 'tools/list');
          return true;
        } catch (error) {
          expect(error).toMatchObject({ code: McpErrorCode.Unavailable, retryable: true });
          return false;
        }
      },
      { timeoutMs: 30_000, message: 'a request to succeed on a new connection' },
    );
    expect(await mcpConnections().client(own)).not.toBe(client);
  });

  it('keeps a connection being opened for every caller when the one that started it gives up', async () => {
    const pool = new McpConnectionPool();
    try {
      const gaveUp = new AbortController();
      const first = pool.client(stdio, { signal: gaveUp.signal });
      const second = pool.client(stdio);
      // The stdio server cannot have answered the handshake yet: its process has only just been asked for.
      gaveUp.abort(new Error('the first run was cancelled'));
      expect((await rejection(first)).message).toBe('the first run was cancelled');
      const client = await second;
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('lookup');
    } finally {
      await pool.close();
    }
  });

  it('times out with a retryable BATON_MCP_TIMEOUT', async () => {
    const release = join(dir, 'never');
    const error = await rejection(mcpRequest(stdio, 'tools/call', { name: 'hang', arguments: { release } }, { timeoutMs: 300 }));
    expect(error).toMatchObject({ code: McpErrorCode.Timeout, retryable: true });
    writeFileSync(release, '');
  });
});

describe('server configuration', () => {
  it('reads an mcpServers file and refuses a bad one with BATON_MCP_CONFIG_INVALID saying what is wrong', async () => {
    const file = join(dir, 'mcp.json');
    writeFileSync(
      file,
      JSON.stringify({ mcpServers: { kb: { command: 'node', args: ['kb.mjs'] }, remote: { url: 'http://127.0.0.1:1/mcp', headers: { a: 'b' } } } }),
    );
    expect(await loadMcpConfigFile(file)).toEqual({
      kb: { command: 'node', args: ['kb.mjs'] },
      remote: { url: 'http://127.0.0.1:1/mcp', headers: { a: 'b' } },
    });
    writeFileSync(file, '{ nope');
    expect(await rejection(loadMcpConfigFile(file))).toMatchObject({ code: McpErrorCode.ConfigInvalid, message: expect.stringContaining('is not JSON') });
    expect(() => parseMcpServers({ servers: {} }, 'x.json')).toThrow(/"mcpServers"/);
    expect(() => parseMcpServers({ mcpServers: { a: { command: 'x', args: 'y' } } }, 'x.json')).toThrow(/The MCP server 'a' in x.json is not valid: args/);
    expect(() => parseMcpServers({ mcpServers: { a: { port: 1 } } }, 'x.json')).toThrow(/needs either \{ command/);
    expect(() => configureMcp({ servers: { a: { url: 'ftp://x' } } })).toThrow(expect.objectContaining({ code: McpErrorCode.ConfigInvalid }));
  });

  it('fails a step naming an unknown server with BATON_MCP_UNKNOWN_SERVER, which lists the configured ones', async () => {
    const unknown = defineWorkflow({ name: 'unknown-server' }, async (ctx) => {
      try {
        await ctx.mcp('nowhere').callTool('x');
        return 'unexpected';
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    });
    const engine = await engineFor([unknown]);
    const { id } = await engine.client.start('unknown-server', {});
    expect(await engine.client.result(id, { timeoutMs: 30_000 })).toEqual({
      code: McpErrorCode.UnknownServer,
      message: expect.stringContaining("No MCP server is named 'nowhere' (configured: tools, tools-http)"),
    });
  });

  it('replays journaled requests on a worker where the server is no longer configured', async () => {
    configureMcp({ servers: { retired: stdio } });
    const engine = await engineFor([recordThenWait]);
    const { id } = await engine.client.start('record-then-wait', { server: 'retired' });
    await waitForStatus(engine, id, 'waiting', 30_000);
    // The run resumes where 'retired' is gone: its journaled calls replay, the first new one fails.
    mcpConfig().servers.delete('retired');
    await engine.client.signal(id, 'go');
    const failed = await rejection(engine.client.result(id, { timeoutMs: 30_000 }));
    expect(failed.message).toContain("No MCP server is named 'retired'");
    const steps = (await engine.client.journal(id)).filter((entry) => entry.kind === 'step');
    expect(steps.map((entry) => [entry.name, entry.status])).toEqual([
      // The namespace's agent policy (none here), read before the first request and kept for replays.
      ['baton:policy', 'completed'],
      ['mcp:retired:tools/list', 'completed'],
      ['mcp:retired:record', 'completed'],
      ['mcp:retired:lookup', 'failed'],
    ]);
    expect(calls().map((call) => call.tool)).toEqual(['record']);
  });

  it("refuses a server the namespace's agent policy denies before sending it anything, audited and journaled", async () => {
    const lookup = defineWorkflow(
      { name: 'policy-lookup' },
      async (ctx) => (await ctx.mcp('tools').callTool('lookup', { topic: 'shipping' })).structuredContent,
    );
    const engine = await engineFor([lookup]);
    await engine.store.putAgentPolicy({ namespace: 'default', policy: { mcpServers: { deny: ['tools'] } }, updatedAt: Date.now(), updatedBy: 'test' });
    const { id } = await engine.client.start('policy-lookup', {});
    const failed = await rejection(engine.client.result(id, { timeoutMs: 30_000 }));
    expect(failed.code).toBe('BATON_POLICY_REFUSED');
    expect(failed.message).toContain("MCP server 'tools'");
    expect(calls()).toEqual([]);
    const [audit] = await engine.store.listAudit({ action: 'policy.refused', limit: 10 });
    expect(audit).toMatchObject({ target: id, namespace: 'default', result: 'BATON_POLICY_REFUSED' });
    expect(JSON.parse(audit!.detail!)).toMatchObject({ step: 'mcp:tools:lookup', subject: 'mcpServer', name: 'tools', reason: "mcpServers.deny has 'tools'" });
    const names = (await engine.client.journal(id)).map((entry) => `${entry.kind}:${entry.name}:${entry.status}`);
    expect(names).toEqual(['patch:baton:policy:completed', 'step:baton:policy:completed', 'step:policy:refused:mcpServer:tools:failed']);
  });

  it('takes an inline server, named in its steps by its command', async () => {
    const inline = defineWorkflow({ name: 'inline' }, async (ctx) => (await ctx.mcp(stdio).callTool('lookup', { topic: 'shipping' })).structuredContent);
    const engine = await engineFor([inline]);
    const { id } = await engine.client.start('inline', {});
    expect(await engine.client.result(id, { timeoutMs: 30_000 })).toEqual({ topic: 'shipping', article: 'Orders ship from Rotterdam within 24 hours.' });
    expect((await engine.client.journal(id)).map((entry) => entry.name)).toContain('mcp:tool-server:lookup');
  });
});
