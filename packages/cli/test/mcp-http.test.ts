/** `baton dev` serves the workflows as MCP tools at /mcp (Streamable HTTP) with the API's keys, unless --no-mcp. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CliProcess, WORKFLOWS, tempDir } from './helpers.js';

const dir = tempDir();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton dev at /mcp', { timeout: 90_000 }, () => {
  it('serves the workflows as MCP tools to a client sending the admin key dev made', async () => {
    const dev = new CliProcess(['dev', '--db', join(dir, 'dev.db'), '--workflows', WORKFLOWS, '--port', '0']);
    try {
      await dev.waitForOutput('admin API key; it is shown only now', 60_000);
      const base = /MCP \(Streamable HTTP\) on (http:\/\/127\.0\.0\.1:\d+)\/mcp/.exec(dev.stdout)?.[1];
      const key = /admin API key; it is shown only now: (bk_\S+)/.exec(dev.stdout)?.[1];
      expect(base, dev.stdout).toBeDefined();
      expect(key, dev.stdout).toBeDefined();
      // Without the key: the API's 401.
      const anonymous = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(anonymous.status).toBe(401);

      const client = new McpClient({ name: 'dev-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['greet', 'approval', 'get_run', 'wait_run', 'send_signal', 'cancel_run', 'list_waiting_runs']));
        // Baton's own planner workflow is not offered.
        expect(names.some((n) => n.startsWith('baton'))).toBe(false);
        const result = (await client.callTool({ name: 'greet', arguments: { name: 'ada', times: 2 } }, undefined, { timeout: 60_000 })) as CallToolResult;
        expect(result.structuredContent).toEqual({ greeting: 'hello ADA ADA' });
      } finally {
        await client.close();
      }
    } finally {
      const exit = await dev.stop('SIGINT');
      expect(exit.code).toBe(0);
    }
    expect(dev.stderr).toBe('');
  });

  it('serves no /mcp with --no-mcp', async () => {
    const dev = new CliProcess(['dev', '--db', join(dir, 'off.db'), '--workflows', WORKFLOWS, '--port', '0', '--no-mcp']);
    try {
      await dev.waitForOutput('admin API key; it is shown only now', 60_000);
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.stdout)?.[1];
      const key = /admin API key; it is shown only now: (bk_\S+)/.exec(dev.stdout)?.[1];
      expect(dev.stdout).not.toContain('/mcp');
      const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      expect((await dev.stop('SIGINT')).code).toBe(0);
    }
  });
});
