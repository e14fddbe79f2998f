/**
 * `call: mcp` in definitions run on a real engine (on SQLite and on PostgreSQL): an SDK MCP server over stdio (a child process the
 * call starts) and over Streamable HTTP on 127.0.0.1. The output is the JSON-RPC result; a failure
 * (a tool error, a refused connection, an unknown method) is the runtime error that `try` catches;
 * a `with` of the wrong shape is a definition issue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMcpConnections } from '@baton/mcp';
import { parseDefinition } from '@baton/dsl';
import { waitFor } from '@baton/testkit';
import { DefinitionRunner } from './definition-runner.js';
import { testStores } from './test-stores.js';

const SERVER = fileURLToPath(new URL('../../mcp/test/fixtures/tool-server.mjs', import.meta.url));
const RUNTIME = 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime';
const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-mcp-'));
const callsFile = join(dir, 'calls.jsonl');
let httpServer: ChildProcess;
let url: string;
const runners = testStores('call: mcp').map((store) => ({ name: store.name, runner: new DefinitionRunner(() => store.create()) }));

beforeAll(async () => {
  httpServer = spawn(process.execPath, [SERVER, '--http'], {
    env: { ...process.env, TOOL_CALLS: callsFile, REQUIRED_AUTH: 'Bearer s3cret' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  httpServer.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  url = await waitFor(() => /listening (\S+)\n/.exec(output)?.[1], { timeoutMs: 30_000, message: 'the HTTP MCP server to listen' });
});

afterAll(async () => {
  for (const { runner } of runners) await runner.close();
  await closeMcpConnections();
  httpServer.kill();
  rmSync(dir, { recursive: true, force: true });
});

const header = (name: string): string => `document: { dsl: '1.0.3', namespace: tests, name: ${name}, version: '1.0.0' }\n`;
const stdioTransport = `
        transport:
          stdio:
            command: ${JSON.stringify(process.execPath)}
            arguments: [ ${JSON.stringify(SERVER)} ]
            environment: { TOOL_CALLS: ${JSON.stringify(callsFile)} }`;
const httpTransport = (auth: string): string => `
        transport:
          http:
            endpoint: '\${ .server }'
            headers: { authorization: ${auth} }`;

function toolCalls(): string[] {
  if (!existsSync(callsFile)) return [];
  return readFileSync(callsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { tool: string }).tool);
}

describe.each(runners)('call: mcp on $name', { timeout: 120_000 }, ({ runner }) => {
  describe('call: mcp', () => {
    it('calls a tool over stdio with parameters from runtime expressions; the output is the JSON-RPC result', async () => {
      const before = toolCalls().length;
      const out = await runner.run(
        `${header('stdio-lookup')}do:
  - lookup:
      call: mcp
      with:
        method: tools/call
        parameters:
          name: lookup
          arguments: { topic: '\${ .topic }' }${stdioTransport}
      output:
        as: '\${ .structuredContent }'
`,
        { topic: 'refunds' },
      );
      expect(out.status).toBe('completed');
      expect(out.output).toEqual({ topic: 'refunds', article: 'Refunds are paid within 5 working days.' });
      expect(toolCalls().slice(before)).toEqual(['lookup']);
    });

    it('lists tools over Streamable HTTP with headers, the endpoint from the input', async () => {
      const out = await runner.run(
        `${header('http-list')}do:
  - list:
      call: mcp
      with:
        method: tools/list${httpTransport("'Bearer s3cret'")}
      output:
        as: '\${ [.tools[].name] | sort }'
`,
        { server: url },
      );
      expect(out.output).toEqual(['fail', 'flaky', 'hang', 'lookup', 'record']);
    });

    it.each([
      [
        'a tool error over stdio',
        `method: tools/call\n        parameters: { name: fail, arguments: { reason: out of stock } }${stdioTransport}`,
        "The MCP tool 'fail' reported an error: cannot do that: out of stock",
      ],
      ['a refused HTTP connection', `method: tools/list${httpTransport("'Bearer wrong'")}`, 'BATON_MCP_UNAVAILABLE'],
      ['a method the server does not offer', `method: prompts/list${stdioTransport}`, 'Method not found'],
    ])('raises %s as the runtime error, which try catches', async (_what, args, detail) => {
      const out = await runner.run(
        `${header('mcp-try')}do:
  - attempt:
      try:
        - mcpCall:
            call: mcp
            with:
              ${args.replaceAll('\n        ', '\n              ')}
      catch:
        errors: { with: { type: ${RUNTIME} } }
        as: problem
        do:
          - handle:
              set: { caught: '\${ $problem }' }
`,
        { server: url },
      );
      expect(out.status).toBe('completed');
      expect(out.output).toEqual({ caught: expect.objectContaining({ type: RUNTIME, status: 500, instance: '/do/0/attempt/try/0/mcpCall' }) });
      expect((out.output as { caught: { detail: string } }).caught.detail).toContain(detail);
    });

    it('fails the run with the runtime error when nothing catches it', async () => {
      const out = await runner.run(
        `${header('mcp-uncaught')}do:
  - mcpCall:
      call: mcp
      with:
        method: tools/call
        parameters: { name: fail, arguments: { reason: no } }${stdioTransport}
`,
      );
      expect(out.status).toBe('failed');
      expect(out.fault).toMatchObject({ type: RUNTIME, status: 500, instance: '/do/0/mcpCall' });
    });

    it('refuses a with of the wrong shape as definition issues that say what to write', async () => {
      const issuesOf = async (args: string): Promise<string[]> => {
        const parsed = await parseDefinition(`${header('bad')}do:\n  - bad:\n      call: mcp\n      with:\n${args}\n`);
        expect(parsed.ok).toBe(false);
        return parsed.issues.map((issue) => `${issue.path} ${issue.message}`);
      };
      expect(await issuesOf('        method: tools/run\n        transport: { stdio: { command: node } }')).toEqual([
        '/do/0/bad/with/method call mcp task \'bad\': the method "tools/run" is not an MCP method: use one of tools/list, tools/call, prompts/list, prompts/get, resources/list, resources/read, resources/templates/list',
      ]);
      expect(await issuesOf('        method: tools/list')).toEqual([
        "/do/0/bad/with call mcp task 'bad': 'with' needs a transport: stdio: { command, arguments?, environment? } or http: { endpoint, headers? }",
      ]);
      expect(await issuesOf("        method: tools/list\n        transport: { stdio: { command: node }, http: { endpoint: 'http://127.0.0.1:1' } }")).toEqual([
        "/do/0/bad/with/transport call mcp task 'bad': the transport has both stdio and http: give one",
      ]);
      expect(await issuesOf('        method: tools/list\n        transport: { http: { headers: { a: b } } }')).toEqual([
        "/do/0/bad/with/transport/http call mcp task 'bad': the http transport needs an endpoint (a URI, or { uri, authentication })",
      ]);
      const missing = await parseDefinition(`${header('bad')}do:\n  - bad:\n      call: mcp\n`);
      expect(missing.issues.map((issue) => issue.message)).toEqual(["call mcp task 'bad': 'with' is required"]);
    });
  });
});
