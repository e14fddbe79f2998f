/**
 * `baton mcp` over stdio fed garbage: lines that are not JSON, JSON that is not JSON-RPC, huge and
 * deeply nested lines, bytes that are not UTF-8, requests of the wrong shape. The process must keep
 * running, keep stdout to JSON-RPC messages only, say on stderr what it dropped, answer each JSON-RPC
 * request with a result or an error, and still serve a client correctly afterwards.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, WORKFLOWS, childEnv, tempDir, waitFor } from './helpers.js';

let child: ChildProcessWithoutNullStreams;
let stdout = '';
let stderr = '';
let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

beforeAll(() => {
  const db = join(tempDir(), 'mcp-hostile.db');
  child = spawn(process.execPath, [BIN, 'mcp', '--workflows', WORKFLOWS, '--db', db], { cwd: ROOT, env: childEnv(), stdio: 'pipe' });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('exit', (code, signal) => (exited = { code, signal }));
});

afterAll(async () => {
  if (exited !== undefined) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await done;
  clearTimeout(timer);
});

const send = (line: string | Buffer): void => {
  child.stdin.write(line);
  child.stdin.write('\n');
};

/** Every line on stdout so far, each of which must be a JSON-RPC 2.0 message. */
function messages(): { id?: unknown; result?: unknown; error?: { code: number; message: string } }[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const message = JSON.parse(line) as { jsonrpc: string; id?: unknown; result?: unknown; error?: { code: number; message: string } };
      expect(message.jsonrpc, line.slice(0, 200)).toBe('2.0');
      return message;
    });
}

async function answerTo(id: number): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  await waitFor(() => messages().some((m) => m.id === id), {
    timeoutMs: 60_000,
    what: () => `an answer to ${id}; stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`,
  });
  return messages().find((m) => m.id === id)!;
}

describe('baton mcp over stdio, fed garbage', () => {
  it('survives garbage before and after initialize and keeps serving', async () => {
    const garbage: (string | Buffer)[] = [
      'garbage',
      '{',
      '{}',
      '[]',
      'null',
      '"ping"',
      '42',
      '{"jsonrpc":"1.0","id":1,"method":"ping"}',
      '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}',
      '{"jsonrpc":"2.0","method":7,"id":3}',
      `{"jsonrpc":"2.0","id":4,"method":"ping","params":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      'x'.repeat(1024 * 1024),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]),
      '\r',
      '\u0000\u0001\u0002',
      '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"greet","arguments":{"name":"early","times":1}}}',
    ];
    for (const line of garbage) send(line);
    send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 100,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hostile', version: '1' } },
      }),
    );
    expect((await answerTo(100)).result).toMatchObject({ serverInfo: { name: 'baton' } });
    send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    for (const line of garbage) send(line);
    const requests: [number, string, unknown][] = [
      [101, 'tools/call', { name: 12, arguments: {} }],
      [103, 'no/such/method', {}],
      [104, 'resources/read', { uri: 'file:///etc/passwd' }],
      [105, 'tools/call', { name: 'x'.repeat(50_000), arguments: {} }],
      [106, 'tools/call', { name: 'greet', arguments: { name: 5, times: 'many' } }],
      [107, 'tools/call', { name: 'get_run', arguments: { runId: ['a'] } }],
    ];
    for (const [id, method, params] of requests) send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    for (const [id] of requests) {
      const answer = (await answerTo(id)) as { result?: { isError?: boolean; content?: { text: string }[] }; error?: { code: number; message: string } };
      if (answer.error !== undefined) {
        expect(typeof answer.error.code, String(id)).toBe('number');
        expect(answer.error.message.length, String(id)).toBeGreaterThan(0);
        expect(answer.error.message.length, String(id)).toBeLessThan(2000);
      } else {
        expect(answer.result?.isError, `${id}: ${JSON.stringify(answer).slice(0, 300)}`).toBe(true);
        expect(answer.result?.content?.[0]?.text.length, String(id)).toBeLessThan(2000);
      }
    }
    // Still serving: a tool call runs its workflow.
    send(JSON.stringify({ jsonrpc: '2.0', id: 200, method: 'tools/call', params: { name: 'greet', arguments: { name: 'ada', times: 1 } } }));
    expect(JSON.stringify((await answerTo(200)).result)).toContain('hello ADA');
    expect(exited).toBeUndefined();
    messages();
    // The lines dropped as not JSON-RPC are on stderr (which holds nothing else but the banner).
    expect(stderr).toContain('baton mcp: MCP protocol error');
    expect(stderr.length).toBeLessThan(100_000);
  }, 120_000);
});
