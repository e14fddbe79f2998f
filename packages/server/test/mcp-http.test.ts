/**
 * MCP over Streamable HTTP at /mcp, with the SDK's own client against a real server on loopback, on a
 * SQLite file and on PostgreSQL. The server is set up as `baton start` is (no engine, no workflows of its
 * own: its tools come from the store's workflow catalog) beside a worker engine on the same store. Covers
 * keys and roles, sessions bound to their key, audit entries, progress notifications, runs waiting for a
 * person and signals checked against their schema, run resources and their change notifications,
 * tools/list_changed after a deploy, and the session limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, defineWorkflow, Engine, newApiKey, silentLogger, type Role, type Store } from '@baton/core';
import { DefinitionLoader } from '@baton/dsl';
import { McpConnectionPool, mcpRequest } from '@baton/mcp';
import { createJsonSchemaValidator, startApiServer, type ApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { testStores } from './test-stores.js';

const greet = defineWorkflow({ name: 'greet', description: 'Greets someone by name.', input: z.object({ name: z.string() }) }, async (ctx, input) =>
  ctx.step('greet', () => ({ greeting: `hello ${input.name}` })),
);
const report = defineWorkflow({ name: 'report' }, async (ctx) => {
  ctx.setProgress('half way');
  await ctx.waitForSignal('finish');
  return { done: true };
});
const approval = defineWorkflow({ name: 'approval', signals: { approve: z.object({ approved: z.boolean() }) } }, async (ctx) =>
  ctx.waitForSignal('approve', { schema: z.object({ approved: z.boolean() }) }),
);
const internal = defineWorkflow({ name: 'baton.internal' }, async () => 'hidden');

const definition = `document:
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

let store: Store;
let engine: Engine;
let loader: DefinitionLoader;
let server: ApiServer;
const keys = {} as Record<Role | 'operator2', { id: string; token: string }>;
const clients: McpClient[] = [];

async function connect(token: string, url = `${server.url}/mcp`): Promise<{ client: McpClient; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new McpClient({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

async function call(client: McpClient, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>, onprogress?: (p: Progress) => void) {
  const request = { name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) };
  return (await client.callTool(request, undefined, { timeout: 120_000, ...(onprogress === undefined ? {} : { onprogress }) })) as CallToolResult;
}

function errorOf(result: CallToolResult): { code: string; message: string } {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  const first = result.content[0];
  return JSON.parse(first?.type === 'text' ? first.text : '{}') as { code: string; message: string };
}

async function auditEntries(action: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.url}/api/audit?action=${action}&limit=500`, { headers: { authorization: `Bearer ${keys.admin.token}` } });
  return ((await res.json()) as { entries: Record<string, unknown>[] }).entries;
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe.each(testStores('MCP over /mcp'))('MCP over Streamable HTTP at /mcp on $name', { timeout: 120_000 }, (stores) => {
  beforeAll(async () => {
    store = stores.create();
    await store.init();
    for (const [name, role] of [
      ['admin', 'admin'],
      ['operator', 'operator'],
      ['viewer', 'viewer'],
      ['operator2', 'operator'],
    ] as const) {
      const key = newApiKey({ name, role }, Date.now());
      await store.createApiKey(key.record);
      keys[name] = { id: key.record.id, token: key.token };
    }
    // The worker: it registers its workflows in the store's catalog, where the server finds them.
    engine = new Engine({ store, workflows: [greet, report, approval, internal], logger: silentLogger, schedules: false });
    await engine.start();
    loader = new DefinitionLoader({ engine, logger: silentLogger });
    await loader.start();
    server = await startApiServer({
      client: new Client({ store, jsonSchemaValidator: createJsonSchemaValidator() }),
      store,
      mcp: { waitMs: 60_000, toolsPollMs: 100, progressPollMs: 20, logger: silentLogger },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
    await server?.close();
    loader?.stop();
    await engine?.stop();
    await store?.close();
  });

  it('answers a request without a key, or with a bad one, 401 with the API’s error body', async () => {
    const none = await fetch(`${server.url}/mcp`, { method: 'POST', headers: mcpHeaders, body: initialize });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('BATON_UNAUTHORIZED');
    const bad = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { ...mcpHeaders, authorization: 'Bearer bk_nope_nope' }, body: initialize });
    expect(bad.status).toBe(401);
    await expect(connect('bk_wrong_key')).rejects.toThrow();
  });

  it('lists the catalog’s workflows as tools (Baton’s own hidden) beside the run tools, and runs one', async () => {
    const { client } = await connect(keys.operator.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['approval', 'cancel_run', 'get_run', 'greet', 'list_waiting_runs', 'report', 'send_signal', 'wait_run']);
    expect(tools.find((t) => t.name === 'greet')).toMatchObject({
      description: 'Greets someone by name.',
      inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    const result = await call(client, 'greet', { name: 'Ada' }, { 'baton/runId': 'mcp-greet-1' });
    expect(result.structuredContent).toEqual({ greeting: 'hello Ada' });
    // The run id is an idempotency key: the same call answers the same run.
    expect((await call(client, 'greet', { name: 'Bob' }, { 'baton/runId': 'mcp-greet-1' })).structuredContent).toEqual({ greeting: 'hello Ada' });
    const entries = await auditEntries('mcp.call');
    expect(entries).toContainEqual(expect.objectContaining({ actor: keys.operator.id, target: 'mcp-greet-1', result: 'ok', detail: { tool: 'greet' } }));
    // The run itself was started by the key, as the API starts runs.
    expect(await auditEntries('run.start')).toContainEqual(expect.objectContaining({ actor: keys.operator.id, target: 'mcp-greet-1', result: 'ok' }));
  });

  it('answers a long run by id, lists it among the runs waiting for a person, refuses a signal its schema refuses, and follows it with wait_run', async () => {
    const { client } = await connect(keys.operator.token);
    const started = await call(client, 'approval', {}, { 'baton/runId': 'mcp-approval-1', 'baton/waitSeconds': 0 });
    expect(started.isError).toBeFalsy();
    expect(started.structuredContent).toMatchObject({ runId: 'mcp-approval-1', workflow: 'approval' });
    await waitFor(async () => (await call(client, 'get_run', { runId: 'mcp-approval-1' })).structuredContent?.status === 'waiting', { timeoutMs: 30_000 });

    const waiting = (await call(client, 'list_waiting_runs', {})).structuredContent as { runs: Record<string, unknown>[] };
    expect(waiting.runs).toContainEqual(
      expect.objectContaining({
        runId: 'mcp-approval-1',
        workflow: 'approval',
        signals: [{ name: 'approve', schema: expect.objectContaining({ type: 'object', properties: { approved: { type: 'boolean' } } }) }],
      }),
    );

    const refused = await call(client, 'send_signal', { runId: 'mcp-approval-1', name: 'approve', data: { approved: 'yes' } });
    expect(errorOf(refused).code).toBe('BATON_INVALID_SIGNAL');
    expect((await call(client, 'get_run', { runId: 'mcp-approval-1' })).structuredContent).toMatchObject({ status: 'waiting', waitingForSignals: ['approve'] });

    const sent = await call(client, 'send_signal', { runId: 'mcp-approval-1', name: 'approve', data: { approved: true } });
    expect(sent.isError).toBeFalsy();
    const done = await call(client, 'wait_run', { runId: 'mcp-approval-1', seconds: 60 });
    expect(done.structuredContent).toMatchObject({ runId: 'mcp-approval-1', status: 'completed', output: { approved: true } });
    expect(await auditEntries('mcp.call')).toContainEqual(
      expect.objectContaining({ actor: keys.operator.id, target: 'mcp-approval-1', result: 'BATON_INVALID_SIGNAL', detail: { tool: 'send_signal' } }),
    );
  });

  it('sends the run’s progress as progress notifications while a tool call or wait_run waits', async () => {
    const { client } = await connect(keys.operator.token);
    const seen: Progress[] = [];
    let halfWay: () => void = () => {};
    const reached = new Promise<void>((resolve) => (halfWay = resolve));
    const onprogress = (p: Progress): void => {
      seen.push(p);
      if (p.message === 'half way') halfWay();
    };
    const pending = call(client, 'report', {}, { 'baton/runId': 'mcp-report-1' }, onprogress);
    await reached;
    await engine.client.signal('mcp-report-1', 'finish');
    expect((await pending).structuredContent).toEqual({ done: true });
    expect(seen[0]).toMatchObject({ progress: 1, message: 'half way' });
    // The counter only goes up.
    expect(seen.map((p) => p.progress)).toEqual(seen.map((_, i) => i + 1));

    // wait_run too.
    await call(client, 'report', {}, { 'baton/runId': 'mcp-report-2', 'baton/waitSeconds': 0 });
    seen.length = 0;
    const again = new Promise<void>((resolve) => (halfWay = resolve));
    const waited = call(client, 'wait_run', { runId: 'mcp-report-2', seconds: 120 }, undefined, onprogress);
    await again;
    await engine.client.signal('mcp-report-2', 'finish');
    expect((await waited).structuredContent).toMatchObject({ status: 'completed', output: { done: true } });
    expect(seen[0]).toMatchObject({ progress: 1, message: 'half way' });
  });

  it('offers runs as resources and notifies a subscriber when the run moves', async () => {
    const { client } = await connect(keys.operator.token);
    const uri = 'baton://runs/mcp-resource-1';
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    await call(client, 'approval', {}, { 'baton/runId': 'mcp-resource-1', 'baton/waitSeconds': 0 });
    await waitFor(async () => (await call(client, 'get_run', { runId: 'mcp-resource-1' })).structuredContent?.status === 'waiting', { timeoutMs: 30_000 });
    const read = async (at: string) => JSON.parse(((await client.readResource({ uri: at })).contents[0] as { text: string }).text) as Record<string, unknown>;
    expect(await read(uri)).toMatchObject({ runId: 'mcp-resource-1', status: 'waiting', waitingFor: { signals: ['approve'] } });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(uri);

    await client.subscribeResource({ uri });
    await client.subscribeResource({ uri: `${uri}/journal` });
    await engine.client.signal('mcp-resource-1', 'approve', { approved: true });
    await waitFor(() => updates.includes(uri) && updates.includes(`${uri}/journal`), { timeoutMs: 30_000, message: 'no resources/updated notification' });
    await waitFor(async () => (await read(uri)).status === 'completed', { timeoutMs: 30_000 });
    expect(await read(uri)).toMatchObject({ status: 'completed', output: { approved: true } });
    const journal = await read(`${uri}/journal`);
    expect((journal.entries as { kind: string }[]).map((e) => e.kind)).toContain('signal');
    // A run that does not exist is the resource-not-found error, with Baton's code.
    await expect(client.readResource({ uri: 'baton://runs/no-such-run' })).rejects.toThrow(/BATON_RUN_NOT_FOUND/);
  });

  it('gives a viewer key only the tools that change nothing, and refuses the others with BATON_FORBIDDEN (audited)', async () => {
    const { client } = await connect(keys.viewer.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_run', 'list_waiting_runs', 'wait_run']);
    const refused = await call(client, 'greet', { name: 'Eve' }, { 'baton/runId': 'mcp-viewer-1' });
    expect(errorOf(refused)).toMatchObject({ code: 'BATON_FORBIDDEN', message: expect.stringContaining('operator') });
    expect(errorOf(await call(client, 'cancel_run', { runId: 'mcp-greet-1' })).code).toBe('BATON_FORBIDDEN');
    // Nothing was started.
    expect(await engine.client.get('mcp-viewer-1')).toBeUndefined();
    expect((await call(client, 'get_run', { runId: 'mcp-greet-1' })).structuredContent).toMatchObject({ status: 'completed' });
    const entries = await auditEntries('mcp.call');
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: keys.viewer.id,
        target: 'mcp-viewer-1',
        result: 'BATON_FORBIDDEN',
        detail: { tool: 'greet', needed: 'operator', role: 'viewer' },
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ actor: keys.viewer.id, target: 'mcp-greet-1', result: 'ok', detail: { tool: 'get_run' } }));
  });

  it('refuses a session to any key but the one that opened it, and a session id no one opened', async () => {
    const { transport } = await connect(keys.operator.token);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} });
    const other = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator2.token}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-06-18' },
      body: list,
    });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('BATON_FORBIDDEN');
    const unknown = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator.token}`, 'mcp-session-id': 'no-such-session' },
      body: list,
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('BATON_MCP_SESSION_NOT_FOUND');
  });

  it('tells connected sessions that the tools changed when a definition is deployed, and runs it by name', async () => {
    const { client } = await connect(keys.operator.token);
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    const deploy = await fetch(`${server.url}/api/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin.token}`, 'content-type': 'application/yaml' },
      body: definition,
    });
    expect(deploy.status).toBe(201);
    await waitFor(() => changed > 0, { timeoutMs: 30_000, message: 'no tools/list_changed notification' });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'shop_welcome')).toMatchObject({ title: 'shop.welcome', description: 'Welcomes a customer' });
    await loader.refresh();
    expect((await call(client, 'shop_welcome', {})).structuredContent).toEqual({ greeting: 'welcome' });
  });

  it('keeps at most maxSessions sessions, and a DELETE frees one', async () => {
    const small = await startApiServer({ client: new Client({ store }), store, mcp: { maxSessions: 1, logger: silentLogger } });
    try {
      const { transport } = await connect(keys.operator.token, `${small.url}/mcp`);
      const full = await fetch(`${small.url}/mcp`, {
        method: 'POST',
        headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator.token}` },
        body: initialize,
      });
      expect(full.status).toBe(503);
      expect(full.headers.get('retry-after')).toBe('60');
      expect(((await full.json()) as { error: { code: string } }).error.code).toBe('BATON_MCP_SESSIONS_FULL');
      await transport.terminateSession();
      const { client } = await connect(keys.operator.token, `${small.url}/mcp`);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('is asked by a closing MCP client connection of a worker to end its session, which frees it', async () => {
    const small = await startApiServer({ client: new Client({ store }), store, mcp: { maxSessions: 1, logger: silentLogger } });
    const config = { url: `${small.url}/mcp`, headers: { authorization: `Bearer ${keys.operator.token}` } };
    try {
      for (let i = 0; i < 3; i++) {
        const pool = new McpConnectionPool();
        const listed = await mcpRequest(config, 'tools/list', undefined, { pool });
        expect((listed.tools as { name: string }[]).map((t) => t.name)).toContain('get_run');
        // A worker stopping: without the session's DELETE the next one would find the server full.
        await pool.close();
      }
    } finally {
      await small.close();
    }
  });

  it('closes a session left idle', async () => {
    const idle = await startApiServer({ client: new Client({ store }), store, mcp: { idleMs: 200, logger: silentLogger } });
    try {
      const opened = await fetch(`${idle.url}/mcp`, {
        method: 'POST',
        headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator.token}` },
        body: initialize,
      });
      expect(opened.status).toBe(200);
      const id = opened.headers.get('mcp-session-id');
      expect(id).toBeTruthy();
      await opened.body?.cancel();
      // Another key's requests are refused before they count as use, so they can watch it close.
      const probe = async () =>
        (
          await fetch(`${idle.url}/mcp`, {
            method: 'POST',
            headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator2.token}`, 'mcp-session-id': id! },
            body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
          })
        ).status;
      expect([403, 404]).toContain(await probe());
      await waitFor(async () => (await probe()) === 404, { timeoutMs: 30_000, message: 'the idle session was not closed' });
    } finally {
      await idle.close();
    }
  });

  it('is off with mcp: false', async () => {
    const off = await startApiServer({ client: new Client({ store }), store, mcp: false });
    try {
      const res = await fetch(`${off.url}/mcp`, {
        method: 'POST',
        headers: { ...mcpHeaders, authorization: `Bearer ${keys.operator.token}` },
        body: initialize,
      });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
