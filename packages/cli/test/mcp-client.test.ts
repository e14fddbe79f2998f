/**
 * MCP client steps in `baton worker` processes: servers named in the file of --mcp-config, an agent
 * using an MCP server's tools (the model is the scripted model server), and a worker SIGKILLed in the
 * middle of the agent. The MCP server (an SDK server over stdio started by the worker on a SQLite file,
 * or over Streamable HTTP started by the test on PostgreSQL) appends every tool call to a file, so the
 * test counts what really happened: after the kill, a new worker on the same database repeats no tool
 * call whose result was journaled; only the call in flight is made again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { CliProcess, FIXTURES, ROOT, baton, childEnv, tempDir, waitFor } from './helpers.js';

const WORKFLOWS = join(FIXTURES, 'mcp-agent-workflows.ts');
const TOOL_SERVER = join(ROOT, 'packages/mcp/test/fixtures/tool-server.mjs');
const POSTGRES = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `baton_cli_mcp_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const postgres = await canConnect(POSTGRES);
if (!postgres && process.env.CI !== 'true') console.warn(`[baton] skipping the MCP agent crash on PostgreSQL: no server answers at ${POSTGRES}.`);
const dir = tempDir();
const callsFile = join(dir, 'calls.jsonl');
const configFile = join(dir, 'mcp.json');
let model: ScriptedModelServer;
let httpServer: ChildProcess | undefined;

beforeAll(async () => {
  model = await startScriptedModelServer();
  writeFileSync(configFile, JSON.stringify({ mcpServers: { tools: { command: process.execPath, args: [TOOL_SERVER], env: { TOOL_CALLS: callsFile } } } }));
});

afterAll(async () => {
  await model.close();
  httpServer?.kill();
  if (!postgres) return;
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

function toolCalls(file = callsFile): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { tool: string }).tool);
}

function worker(db: string, config = configFile): CliProcess {
  return new CliProcess(['worker', '--workflows', WORKFLOWS, '--db', db, '--mcp-config', config, '--lease', '2s'], {
    env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: model.openaiBaseUrl, BATON_AI_MODEL: 'openai:gpt-4o-mini' },
  });
}

/** The tool server over Streamable HTTP, counting its calls in `file`; answers the --mcp-config file naming it. */
async function httpToolServer(file: string): Promise<string> {
  const child = spawn(process.execPath, [TOOL_SERVER, '--http'], {
    env: childEnv({ TOOL_CALLS: file, REQUIRED_AUTH: 'Bearer s3cret' }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  httpServer = child;
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await waitFor(() => /listening (\S+)\n/.exec(output)?.[1], { timeoutMs: 30_000, what: 'the HTTP MCP server to listen' });
  const config = join(dir, 'mcp-http.json');
  writeFileSync(config, JSON.stringify({ mcpServers: { tools: { url, headers: { authorization: 'Bearer s3cret' } } } }));
  return config;
}

/** The agent's MCP server over stdio on a SQLite file, and over Streamable HTTP on PostgreSQL. */
const cases = [
  { name: 'stdio, on SQLite', http: false, db: join(dir, 'kill.db'), open: (): Store => new SqliteStore({ path: join(dir, 'kill.db') }) },
  ...(postgres || process.env.CI === 'true'
    ? [
        {
          name: 'Streamable HTTP, on PostgreSQL',
          http: true,
          db: `${POSTGRES}?schema=${schema}`,
          open: (): Store => new PostgresStore({ connectionString: POSTGRES, schema, maxConnections: 2 }),
        },
      ]
    : []),
];

describe.each(cases)('an agent with MCP tools over $name', ({ name, http, db, open }) => {
  it('repeats no journaled tool call of an agent whose worker was SIGKILLed mid-agent', async () => {
    expect(!http || postgres, `no PostgreSQL server answers at ${POSTGRES}`).toBe(true);
    const calls = http ? join(dir, 'calls-http.jsonl') : callsFile;
    const config = http ? await httpToolServer(calls) : configFile;
    const runId = `agent-kill-${http ? 'http' : 'stdio'}`;
    const release = join(dir, `release-${runId}`);
    model.reset();
    model.enqueue(
      { toolCalls: [{ name: 'record', arguments: { text: 'customer asked about refunds' } }] },
      { toolCalls: [{ name: 'hang', arguments: { release } }] },
      { toolCalls: [{ name: 'lookup', arguments: { topic: 'refunds' } }] },
      { text: 'Refunds are paid within 5 working days.' },
    );
    let first: CliProcess | undefined = worker(db, config);
    let second: CliProcess | undefined;
    const store = open();
    try {
      await first.waitForOutput('baton worker:', 30_000);
      await store.init();
      const client = new Client({ store });
      await client.start('mcp-agent', { prompt: 'How long do refunds take?' }, { id: runId });
      // The `record` call is journaled and the `hang` call reached the server (and waits there): kill now.
      await waitFor(
        async () => {
          const journal = await client.journal(runId);
          const recorded = journal.some((entry) => entry.name === 'agent:helper:tool:record' && entry.status === 'completed');
          return recorded && toolCalls(calls).includes('hang');
        },
        {
          timeoutMs: 60_000,
          what: () => `the record call to be journaled and hang to be called on ${name} (calls: ${toolCalls(calls).join(', ')})\n${first?.stderr ?? ''}`,
        },
      );
      first.signal('SIGKILL');
      await first.exited;
      first = undefined;
      expect(toolCalls(calls)).toEqual(['record', 'hang']);

      writeFileSync(release, '');
      second = worker(db, config);
      const output = await client.result(runId, { timeoutMs: 90_000 });
      expect(output).toEqual({
        text: 'Refunds are paid within 5 working days.',
        toolCalls: [
          { name: 'record', output: 'recorded: customer asked about refunds' },
          { name: 'hang', output: 'released' },
          { name: 'lookup', output: { topic: 'refunds', article: 'Refunds are paid within 5 working days.' } },
        ],
      });
      // `record` was journaled before the kill: it ran once. `hang` was in flight: it ran again.
      expect(toolCalls(calls)).toEqual(['record', 'hang', 'hang', 'lookup']);
      const journal = (await client.journal(runId)).map((entry) => entry.name);
      expect(journal.filter((name) => name === 'mcp:tools:tools/list')).toHaveLength(1);
      expect(journal.filter((name) => name.startsWith('agent:helper:tool:'))).toEqual([
        'agent:helper:tool:record',
        'agent:helper:tool:hang',
        'agent:helper:tool:lookup',
      ]);
      // Four model turns in all: the journaled ones were not asked again.
      expect(model.modelCalls).toHaveLength(4);
      // The model was shown the MCP tools with their JSON Schemas.
      const offered = model.modelCalls[0]!.tools.map((tool) => tool.name).sort();
      expect(offered).toEqual(['hang', 'lookup', 'record']);
      expect(model.modelCalls[0]!.tools.find((tool) => tool.name === 'lookup')!.parameters).toMatchObject({
        type: 'object',
        properties: { topic: { type: 'string' } },
        required: ['topic'],
      });
      client.close();
    } finally {
      first?.signal('SIGKILL');
      await second?.stop();
      await store.close();
    }
  }, 180_000);
});

describe('MCP client steps in baton commands', () => {
  it('baton run FILE.yaml makes a call: mcp over stdio and exits, its server stopped', async () => {
    const flow = join(dir, 'lookup.yaml');
    writeFileSync(
      flow,
      `document: { dsl: '1.0.3', namespace: tests, name: lookup, version: '1.0.0' }
do:
  - lookup:
      call: mcp
      with:
        method: tools/call
        parameters: { name: lookup, arguments: { topic: '\${ .topic }' } }
        transport:
          stdio: { command: ${JSON.stringify(process.execPath)}, arguments: [${JSON.stringify(TOOL_SERVER)}] }
      output:
        as: '\${ .structuredContent.article }'
`,
    );
    const result = await baton(['run', flow, '--input', '{"topic":"shipping"}']);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toBe('Orders ship from Rotterdam within 24 hours.');
  });

  it('refuses an --mcp-config file that is not valid, saying what is wrong', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ mcpServers: { kb: { command: 'node', args: 'kb.mjs' } } }));
    const result = await baton(['worker', '--workflows', WORKFLOWS, '--db', join(dir, 'bad.db'), '--mcp-config', bad]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`The MCP server 'kb' in ${bad} is not valid: args`);
  });
});
