/**
 * `baton mcp` killed in the middle of a tool call: the SDK's client starts the built CLI over stdio on
 * a SQLite file, and on PostgreSQL, with a short lease and calls a workflow tool with its own run id; the server is
 * SIGKILLed while the run's step executes. A new `baton mcp` on the same database takes the run over
 * once the lease expires; the client drives it to its end through the new server and finds it
 * finished: get_run and the repeated tool call answer the run's output, there is one run, and the
 * step journaled before the crash never ran again. The new server's resources follow the run too.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Client, type Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ROOT, childEnv, tempDir, waitFor } from './helpers.js';

const WORKFLOWS = join(FIXTURES, 'mcp-crash-workflows.ts');
const RUN_ID = 'mcp-crash-1';
const CALL_MS = 120_000;

const POSTGRES = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `baton_cli_mcp_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const postgres = await canConnect(POSTGRES);
if (!postgres && process.env.CI !== 'true') console.warn(`[baton] skipping baton mcp's crash on PostgreSQL: no server answers at ${POSTGRES}.`);
const sqliteFile = join(tempDir(), 'crash.db');
const databases: { name: string; db: string; open: () => Store }[] = [
  { name: 'SQLite', db: sqliteFile, open: () => new SqliteStore({ path: sqliteFile }) },
  ...(postgres || process.env.CI === 'true'
    ? [{ name: 'PostgreSQL', db: `${POSTGRES}?schema=${schema}`, open: () => new PostgresStore({ connectionString: POSTGRES, schema, maxConnections: 2 }) }]
    : []),
];

const servers: StdioClientTransport[] = [];
const clients: McpClient[] = [];

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
  for (const server of servers) await server.close().catch(() => {});
  if (!postgres) return;
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

/** A client of a new `baton mcp` on `db`, with a lease of 2 s so that a killed server's runs change hands soon. */
async function connect(db: string): Promise<{ client: McpClient; transport: StdioClientTransport }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workflows', WORKFLOWS, '--db', db, '--lease', '2s', '--wait', '300'],
    env: childEnv() as Record<string, string>,
    cwd: ROOT,
    stderr: 'pipe',
  });
  servers.push(transport);
  const client = new McpClient({ name: 'crash-test', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, transport };
}

function lines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    : [];
}

describe.each(databases)('baton mcp killed during a tool call, on $name', ({ name, db, open }) => {
  it('finishes the run once under a new server: the same run id answers its output', async () => {
    expect(name === 'SQLite' || postgres, `no PostgreSQL server answers at ${POSTGRES}`).toBe(true);
    const dir = join(tempDir(), 'run');
    mkdirSync(dir);
    const input = { dir };
    const meta = { 'baton/runId': RUN_ID };

    const first = await connect(db);
    const firstPid = first.transport.pid;
    expect(firstPid).toBeGreaterThan(0);
    const call = first.client.callTool({ name: 'hand-off', arguments: input, _meta: meta }, undefined, { timeout: CALL_MS }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    // The run is in its second step, on a lease of the first server.
    await waitFor(() => lines(join(dir, 'hold.log')).includes(String(firstPid)), { timeoutMs: 60_000, what: 'the hold step to start' });
    process.kill(firstPid ?? 0, 'SIGKILL');
    expect(await call).toBeInstanceOf(Error);

    const second = await connect(db);
    const secondPid = second.transport.pid;
    // The new server's resources follow the run as it goes on.
    const updates: string[] = [];
    second.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    await second.client.subscribeResource({ uri: `baton://runs/${RUN_ID}/journal` });
    // The new server takes the run over when the killed server's lease ends, and executes the open step again.
    await waitFor(() => lines(join(dir, 'hold.log')).includes(String(secondPid)), { timeoutMs: 60_000, what: 'the new server to take the run over' });
    writeFileSync(join(dir, 'release'), '');
    const store = open();
    await store.init();
    const reader = new Client({ store });
    try {
      await waitFor(async () => (await reader.get(RUN_ID))?.status === 'waiting', { timeoutMs: 60_000, what: 'the run to wait for its approval' });
      const signalled = (await second.client.callTool({
        name: 'send_signal',
        arguments: { runId: RUN_ID, name: 'approve', data: { by: 'ops' } },
      })) as CallToolResult;
      expect(signalled.isError).toBeFalsy();
      const output = { prepared: 'prepared', held: 'released', approvedBy: 'ops' };
      const ended = (await second.client.callTool({ name: 'wait_run', arguments: { runId: RUN_ID, seconds: 120 } }, undefined, {
        timeout: CALL_MS,
      })) as CallToolResult;
      expect(ended.structuredContent).toMatchObject({ runId: RUN_ID, status: 'completed', output });
      const read = (await second.client.callTool({ name: 'get_run', arguments: { runId: RUN_ID } })) as CallToolResult;
      expect(read.structuredContent).toMatchObject({ status: 'completed', output });
      // The repeated call is the same run: it answers the output and starts nothing.
      await waitFor(() => updates.includes(`baton://runs/${RUN_ID}/journal`), { what: 'an update of the subscribed journal' });
      const resource = await second.client.readResource({ uri: `baton://runs/${RUN_ID}` });
      expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ runId: RUN_ID, status: 'completed', output });
      const repeated = (await second.client.callTool({ name: 'hand-off', arguments: input, _meta: meta }, undefined, { timeout: CALL_MS })) as CallToolResult;
      expect(repeated.isError).toBeFalsy();
      expect(repeated.structuredContent).toEqual(output);

      const { runs } = await reader.list({ workflow: 'hand-off' });
      expect(runs.map((r) => r.id)).toEqual([RUN_ID]);
      const journal = await reader.journal(RUN_ID);
      expect(journal.filter((e) => e.kind === 'step').map((e) => [e.name, e.status])).toEqual([
        ['prepare', 'completed'],
        ['hold', 'completed'],
      ]);
      // The step journaled before the crash ran once; the one the crash interrupted ran on each server.
      expect(lines(join(dir, 'prepare.log'))).toEqual([String(firstPid)]);
      expect(lines(join(dir, 'hold.log'))).toEqual([String(firstPid), String(secondPid)]);
    } finally {
      reader.close();
      await store.close();
    }
  }, 240_000);
});
