/**
 * `baton start` serving /mcp beside `baton worker`, on a SQLite file and on PostgreSQL: the MCP SDK's
 * client over Streamable HTTP with the API's keys. The tools are the workflows the worker registered;
 * an operator runs them, a viewer gets only the tools that change nothing, and every call is audited.
 * Then the server process is SIGKILLed in the middle of a long tool call: a new `baton start` answers
 * the same call (same run id) with the one run, which the client drives to its end.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newApiKey, type Role, type Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CliProcess, WORKFLOWS, tempDir, waitFor } from './helpers.js';

const SERVER = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `baton_cli_mcp_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const dir = tempDir();
const postgres = await canConnect(SERVER);
if (!postgres && process.env.CI !== 'true') console.warn(`[baton] skipping baton start's /mcp on PostgreSQL: no server answers at ${SERVER}.`);

const databases: { name: string; db: string; open: () => Store }[] = [
  { name: 'SQLite', db: join(dir, 'start.db'), open: () => new SqliteStore({ path: join(dir, 'start.db') }) },
  ...(postgres || process.env.CI === 'true'
    ? [{ name: 'PostgreSQL', db: `${SERVER}?schema=${schema}`, open: () => new PostgresStore({ connectionString: SERVER, schema, maxConnections: 2 }) }]
    : []),
];

const processes: CliProcess[] = [];
const clients: McpClient[] = [];

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
  for (const child of processes) await child.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  if (!postgres) return;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

/** Makes an API key of each role in the database, as `baton keys create` does. */
async function makeKeys(store: Store): Promise<Record<Role, { id: string; token: string }>> {
  await store.init();
  const keys = {} as Record<Role, { id: string; token: string }>;
  try {
    for (const role of ['admin', 'operator', 'viewer'] as const) {
      const key = newApiKey({ name: role, role }, Date.now());
      await store.createApiKey(key.record);
      keys[role] = { id: key.record.id, token: key.token };
    }
  } finally {
    await store.close();
  }
  return keys;
}

/** A `baton start` on `db`, and the address of its /mcp. */
async function startServer(db: string): Promise<{ server: CliProcess; url: string }> {
  const server = new CliProcess(['start', '--db', db, '--port', '0']);
  processes.push(server);
  await server.waitForOutput('MCP (Streamable HTTP) on', 60_000);
  const url = /MCP \(Streamable HTTP\) on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(server.stdout)?.[1];
  expect(url, server.stdout).toBeDefined();
  return { server, url: url! };
}

async function connect(url: string, token: string): Promise<McpClient> {
  const client = new McpClient({ name: 'start-test', version: '1.0.0' });
  clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

async function call(client: McpClient, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) }, undefined, { timeout: 120_000 })) as CallToolResult;
}

function errorCode(result: CallToolResult): string {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  const first = result.content[0];
  return (JSON.parse(first?.type === 'text' ? first.text : '{}') as { code: string }).code;
}

async function api<T>(url: string, path: string, token: string): Promise<T> {
  const res = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe.each(databases)('baton start at /mcp on $name', { timeout: 240_000 }, ({ name, db, open }) => {
  it('serves a worker’s workflows to an operator key, only the tools that change nothing to a viewer, and audits every call', async () => {
    expect(name === 'SQLite' || postgres, `no PostgreSQL server answers at ${SERVER}`).toBe(true);
    const keys = await makeKeys(open());
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS]);
    processes.push(worker);
    await worker.waitForOutput('baton worker:', 60_000);
    const { server, url } = await startServer(db);

    const operator = await connect(url, keys.operator.token);
    const names = (await operator.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['greet', 'approval', 'get_run', 'wait_run', 'list_waiting_runs', 'send_signal', 'cancel_run']));
    const greeted = await call(operator, 'greet', { name: 'ada', times: 2 }, { 'baton/runId': 'start-greet' });
    expect(greeted.structuredContent).toEqual({ greeting: 'hello ADA ADA' });

    const viewer = await connect(url, keys.viewer.token);
    expect((await viewer.listTools()).tools.map((t) => t.name).sort()).toEqual(['get_run', 'list_waiting_runs', 'wait_run']);
    expect(errorCode(await call(viewer, 'greet', { name: 'eve', times: 1 }, { 'baton/runId': 'start-viewer' }))).toBe('BATON_FORBIDDEN');
    expect(errorCode(await call(viewer, 'cancel_run', { runId: 'start-greet' }))).toBe('BATON_FORBIDDEN');
    expect((await call(viewer, 'get_run', { runId: 'start-greet' })).structuredContent).toMatchObject({ status: 'completed' });
    // The viewer started nothing.
    const missing = await fetch(new URL('/api/runs/start-viewer', url), { headers: { authorization: `Bearer ${keys.admin.token}` } });
    expect(missing.status).toBe(404);

    const { entries } = await api<{ entries: Record<string, unknown>[] }>(url, '/api/audit?action=mcp.call&limit=100', keys.admin.token);
    expect(entries).toContainEqual(expect.objectContaining({ actor: keys.operator.id, target: 'start-greet', result: 'ok', detail: { tool: 'greet' } }));
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: keys.viewer.id,
        target: 'start-viewer',
        result: 'BATON_FORBIDDEN',
        detail: { tool: 'greet', needed: 'operator', role: 'viewer' },
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: keys.viewer.id,
        target: 'start-greet',
        result: 'BATON_FORBIDDEN',
        detail: expect.objectContaining({ tool: 'cancel_run' }),
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ actor: keys.viewer.id, target: 'start-greet', result: 'ok', detail: { tool: 'get_run' } }));

    // The server dies while a tool call waits on its run.
    const runId = 'start-approval';
    const pending = call(operator, 'approval', { amount: 5 }, { 'baton/runId': runId, 'baton/waitSeconds': 300 }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const status = async (): Promise<string | undefined> => {
      const res = await fetch(new URL(`/api/runs/${runId}`, url), { headers: { authorization: `Bearer ${keys.admin.token}` } });
      return res.status === 200 ? ((await res.json()) as { run: { status: string } }).run.status : undefined;
    };
    await waitFor(async () => (await status()) === 'waiting', {
      timeoutMs: 60_000,
      what: 'the run to wait for its approval',
    });
    server.signal('SIGKILL');
    expect(await pending).toBeInstanceOf(Error);

    // A new server: the same call answers the same run, which a signal takes to its end.
    const restarted = await startServer(db);
    const client = await connect(restarted.url, keys.operator.token);
    const again = await call(client, 'approval', { amount: 5 }, { 'baton/runId': runId, 'baton/waitSeconds': 0 });
    expect(again.structuredContent).toMatchObject({ runId, workflow: 'approval', status: 'waiting', waitingForSignals: ['approve'] });
    const waiting = (await call(client, 'list_waiting_runs', {})).structuredContent as { runs: { runId: string }[] };
    expect(waiting.runs.map((r) => r.runId)).toEqual([runId]);
    expect((await call(client, 'send_signal', { runId, name: 'approve', data: { by: 'ops' } })).isError).toBeFalsy();
    const finished = await call(client, 'approval', { amount: 5 }, { 'baton/runId': runId, 'baton/waitSeconds': 120 });
    expect(finished.structuredContent).toEqual({ approvedBy: 'ops', amount: 5 });
    const { runs } = await api<{ runs: { id: string }[] }>(restarted.url, '/api/runs?workflow=approval', keys.admin.token);
    expect(runs.map((r) => r.id)).toEqual([runId]);
    const journal = await api<{ journal: { kind: string; name: string }[] }>(restarted.url, `/api/runs/${runId}`, keys.admin.token);
    expect(journal.journal.filter((e) => e.kind === 'step').map((e) => e.name)).toEqual(['request']);
  });
});
