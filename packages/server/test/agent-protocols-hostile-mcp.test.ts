/**
 * Hostile input against /mcp on a real server (see agent-protocols-hostile.ts): without a session, in
 * a session, and at the session limit. Each refusal must be a 4xx or a JSON-RPC error with a stable
 * code, never a 5xx, a hang or a logged failure, and must change nothing; after each group the server
 * still answers a good request.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { MAX_BODY, expectRefused, hostileServer } from './agent-protocols-hostile.js';

const hostile = hostileServer();
const { store, engine, tokens, request, runCount } = hostile;

const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initializeBody = (id: unknown = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hostile', version: '1' } },
});

const mcp = (token: string | undefined, body: string, headers: Record<string, string> = mcpHeaders, method = 'POST') =>
  request('/mcp', { method, token, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { body }) });

/** Opens a session for `token` and returns its id. */
async function openSession(token: string): Promise<string> {
  const res = await fetch(`${hostile.server.url}/mcp`, {
    method: 'POST',
    headers: { ...mcpHeaders, authorization: `Bearer ${token}` },
    body: JSON.stringify(initializeBody()),
  });
  expect(res.status).toBe(200);
  const id = res.headers.get('mcp-session-id');
  await res.body?.cancel();
  expect(id).toBeTruthy();
  const initialized = await fetch(`${hostile.server.url}/mcp`, {
    method: 'POST',
    headers: { ...mcpHeaders, authorization: `Bearer ${token}`, 'mcp-session-id': id!, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return id!;
}

const inSession = (token: string, session: string, body: unknown, extra: Record<string, string> = {}) =>
  mcp(token, typeof body === 'string' ? body : JSON.stringify(body), {
    ...mcpHeaders,
    'mcp-session-id': session,
    'mcp-protocol-version': '2025-06-18',
    ...extra,
  });

/** The session still lists its tools and a tool call still runs a workflow. */
async function expectMcpHealthy(token: string, session: string): Promise<void> {
  const list = await inSession(token, session, { jsonrpc: '2.0', id: 900, method: 'tools/list' });
  expect(list.status, list.text).toBe(200);
  const names = ((list.json as { result: { tools: { name: string }[] } }).result.tools ?? []).map((t) => t.name);
  expect(names).toContain('greet');
  const called = await inSession(token, session, { jsonrpc: '2.0', id: 901, method: 'tools/call', params: { name: 'greet', arguments: { name: 'Ada' } } });
  expect(called.status, called.text).toBe(200);
  expect(called.text).toContain('hello Ada');
}

describe('/mcp without a session', () => {
  it('refuses bodies that are not JSON-RPC initialize requests, and opens no session for them', async () => {
    const cases: [string, string][] = [
      ['malformed JSON', '{"jsonrpc": "2.0", "id": 1, "method": '],
      ['empty body', ''],
      ['a JSON string', '"initialize"'],
      ['a JSON number', '42'],
      ['null', 'null'],
      ['an empty object', '{}'],
      ['an empty array', '[]'],
      ['a batch of garbage', '[1, 2, 3]'],
      ['wrong jsonrpc version', JSON.stringify({ ...initializeBody(), jsonrpc: '1.0' })],
      ['no jsonrpc member', JSON.stringify({ id: 1, method: 'initialize', params: {} })],
      ['an unknown method', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'no/such/method', params: {} })],
      ['a method that is a number', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 7 })],
      ['params of the wrong type', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: [1, 2] })],
      ['null params', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: null })],
      ['a protocol version of the wrong type', JSON.stringify({ ...initializeBody(), params: { protocolVersion: 7, capabilities: {}, clientInfo: {} } })],
      ['an id that is an object', JSON.stringify({ ...initializeBody({ x: 1 }) })],
      ['tools/call before initialize', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'greet', arguments: { name: 'x' } } })],
      ['deep nesting', `{"jsonrpc":"2.0","id":1,"method":"initialize","params":${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['two initializes in a batch', JSON.stringify([initializeBody(1), initializeBody(2)])],
    ];
    const before = await runCount();
    for (const [what, body] of cases) {
      const answer = await mcp(tokens.operator, body);
      expectRefused(answer, what);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
    }
    expect(await runCount()).toBe(before);
  });

  it('refuses wrong Content-Type and Accept headers', async () => {
    const body = JSON.stringify(initializeBody());
    for (const [what, headers] of [
      ['text/plain', { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' }],
      ['no content type', { accept: 'application/json, text/event-stream' }],
      ['accept json only', { 'content-type': 'application/json', accept: 'application/json' }],
      ['accept html', { 'content-type': 'application/json', accept: 'text/html' }],
      ['no accept', { 'content-type': 'application/json' }],
    ] as const) {
      const answer = await mcp(tokens.operator, body, headers);
      expectRefused(answer, what);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ ...initializeBody(), params: { ...initializeBody().params, padding: 'x'.repeat(MAX_BODY * 2) } });
    const answer = await mcp(tokens.operator, big);
    expect(answer.status).toBe(413);
    expectRefused(answer, 'huge body');
    expect((answer.json as { error: { code: string } }).error.code).toBe('BATON_BODY_TOO_LARGE');
  });

  it('refuses GET and DELETE without a session, and unknown session ids of any shape', async () => {
    for (const method of ['GET', 'DELETE', 'PUT', 'PATCH']) {
      const answer = await mcp(tokens.operator, '{}', { accept: 'text/event-stream' }, method);
      expectRefused(answer, method);
      expect(answer.status, method).toBe(400);
    }
    for (const id of ['nope', randomUUID(), 'é'.repeat(10), '\u0000', 'x'.repeat(5000), "'; DROP TABLE runs; --"]) {
      const headers: Record<string, string> = { ...mcpHeaders };
      // Headers carry only Latin-1: anything else is sent percent-encoded, as a client would.
      headers['mcp-session-id'] = /^[\x20-\x7e]*$/.test(id) ? id : encodeURIComponent(id);
      const answer = await mcp(tokens.operator, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), headers);
      expect(answer.status, id.slice(0, 20)).toBe(404);
      expectRefused(answer, `session ${id.slice(0, 20)}`);
      expect((answer.json as { error: { code: string } }).error.code).toBe('BATON_MCP_SESSION_NOT_FOUND');
      expect((answer.json as { error: { message: string } }).error.message.length).toBeLessThan(400);
    }
  });

  it('refuses without a key or with a wrong one', async () => {
    for (const token of [undefined, 'not-a-key', 'bk_' + 'x'.repeat(2000)]) {
      const answer = await mcp(token, JSON.stringify(initializeBody()));
      expect(answer.status).toBe(401);
      expectRefused(answer, 'no key');
    }
  });
});

describe('/mcp in a session', () => {
  let session: string;
  beforeAll(async () => {
    session = await openSession(tokens.operator);
  });

  it('answers garbage inside a session with JSON-RPC errors and keeps working', async () => {
    const before = await runCount();
    const cases: [string, unknown][] = [
      ['malformed JSON', '{"jsonrpc":"2.0","id":5,"method":"tools/list"'],
      ['not JSON-RPC', JSON.stringify({ hello: 'world' })],
      ['a batch of garbage', JSON.stringify([{ a: 1 }, 2, null])],
      ['wrong version', { jsonrpc: '3.0', id: 1, method: 'tools/list' }],
      ['unknown method', { jsonrpc: '2.0', id: 1, method: 'tools/destroy' }],
      ['second initialize', initializeBody(2)],
      ['tools/call with a numeric name', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 12, arguments: {} } }],
      ['tools/call with null params', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: null }],
      ['tools/call with array arguments', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'greet', arguments: [1, 2] } }],
      ['resources/read with a numeric uri', { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 5 } }],
      ['resources/subscribe with no uri', { jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: {} }],
      ['deep nesting', `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{"name":${'['.repeat(5000)}${']'.repeat(5000)}}}}`],
    ];
    for (const [what, body] of cases) {
      const answer = await inSession(tokens.operator, session, body);
      const result = (answer.json as { result?: { isError?: boolean; content: { text: string }[] } } | undefined)?.result;
      // Arguments the workflow's input refuses are a tool result marked as an error, with Baton's code.
      if (result !== undefined) {
        expect(result.isError, what).toBe(true);
        expect(result.content[0]?.text, what).toMatch(/"code":"BATON_[A-Z_]+"/);
      } else expectRefused(answer, what);
    }
    expect(await runCount()).toBe(before);
    await expectMcpHealthy(tokens.operator, session);
  });

  it('answers odd tool names and resource URIs with a useful error and starts nothing', async () => {
    const before = await runCount();
    const odd = [
      '',
      ' ',
      'greet ',
      'GREET',
      '../greet',
      'greet\u0000',
      'ダミー',
      '🦀'.repeat(50),
      'x'.repeat(20_000),
      'baton://runs/x',
      '__proto__',
      'constructor',
    ];
    for (const name of odd) {
      const answer = await inSession(tokens.operator, session, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } });
      expect(answer.status, name.slice(0, 20)).toBeLessThan(500);
      // A tool the server does not have: a protocol error or a tool result marked as an error, naming it.
      const body = answer.json as { error?: { message: string }; result?: { isError?: boolean; content: { text: string }[] } };
      if (body.error === undefined) expect(body.result?.isError, name.slice(0, 20)).toBe(true);
      const message = body.error?.message ?? body.result?.content[0]?.text ?? '';
      expect(message.length, name.slice(0, 20)).toBeGreaterThan(0);
      expect(message.length, `${name.slice(0, 20)}: ${message.slice(0, 100)}`).toBeLessThan(2000);
    }
    const uris = [
      '',
      'baton://runs/',
      'baton://runs/../../etc/passwd',
      'baton://runs/%00',
      `baton://runs/${'x'.repeat(20_000)}`,
      'file:///etc/passwd',
      'baton://runs/ü/journal',
      'http://127.0.0.1/',
    ];
    for (const uri of uris) {
      for (const method of ['resources/read', 'resources/subscribe', 'resources/unsubscribe']) {
        const answer = await inSession(tokens.operator, session, { jsonrpc: '2.0', id: 1, method, params: { uri } });
        expect(answer.status, `${method} ${uri.slice(0, 30)}`).toBeLessThan(500);
        const body = answer.json as { error?: { message: string } };
        if (method === 'resources/read') {
          expectRefused(answer, `${method} ${uri.slice(0, 30)}`);
          expect(body.error!.message.length).toBeLessThan(2000);
        }
      }
    }
    expect(await runCount()).toBe(before);
  });

  it('refuses a workflow tool call whose arguments are of the wrong types, starting no run', async () => {
    const before = await runCount();
    for (const args of [{ name: 5 }, { name: null }, { name: ['Ada'] }, {}, { name: { $gt: '' } }]) {
      const answer = await inSession(tokens.operator, session, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'greet', arguments: args } });
      expect(answer.status).toBeLessThan(500);
      const body = answer.json as { error?: { message: string }; result?: { isError?: boolean } };
      if (body.error === undefined) expect(body.result?.isError, JSON.stringify(args)).toBe(true);
    }
    for (const args of [{ runId: 5 }, { runId: null }, { runId: 'no-such-run' }, { runId: 'x'.repeat(10_000) }]) {
      for (const tool of ['get_run', 'cancel_run', 'send_signal']) {
        const answer = await inSession(tokens.operator, session, {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: tool, arguments: { ...args, name: 'release' } },
        });
        expect(answer.status).toBeLessThan(500);
        const body = answer.json as { error?: { message: string }; result?: { isError?: boolean } };
        if (body.error === undefined) expect(body.result?.isError, `${tool} ${JSON.stringify(args).slice(0, 40)}`).toBe(true);
      }
    }
    expect(await runCount()).toBe(before);
  });

  it('keeps a session to the key that opened it, and a DELETE twice ends it once', async () => {
    const mine = await openSession(tokens.operator);
    for (const token of [tokens.viewer, tokens.other]) {
      const answer = await inSession(token, mine, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(answer.status).toBe(403);
      expectRefused(answer, 'another key');
      const del = await mcp(token, '', { 'mcp-session-id': mine }, 'DELETE');
      expect(del.status).toBe(403);
    }
    await expectMcpHealthy(tokens.operator, mine);
    const first = await mcp(tokens.operator, '', { 'mcp-session-id': mine, 'mcp-protocol-version': '2025-06-18' }, 'DELETE');
    expect(first.status, first.text).toBe(200);
    const second = await mcp(tokens.operator, '', { 'mcp-session-id': mine, 'mcp-protocol-version': '2025-06-18' }, 'DELETE');
    expect(second.status).toBe(404);
    expectRefused(second, 'second delete');
    const after = await inSession(tokens.operator, mine, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(after.status).toBe(404);
  });

  it("keeps a run of one namespace from another namespace's key", async () => {
    const started = await engine.client.start('hold', undefined, { id: `hostile-hold-${randomUUID()}` });
    await waitFor(async () => (await engine.client.get(started.id))?.status === 'waiting');
    const other = await openSession(tokens.other);
    for (const [tool, args] of [
      ['get_run', { runId: started.id }],
      ['cancel_run', { runId: started.id }],
      ['send_signal', { runId: started.id, name: 'release', data: { ok: true } }],
      ['wait_run', { runId: started.id, seconds: 0 }],
    ] as const) {
      const answer = await inSession(tokens.other, other, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } });
      expect(answer.status).toBeLessThan(500);
      const body = answer.json as { error?: { message: string }; result?: { isError?: boolean; content: { text: string }[] } };
      if (body.error === undefined) expect(body.result?.isError, `${tool}: ${answer.text.slice(0, 300)}`).toBe(true);
    }
    for (const uri of [`baton://runs/${started.id}`, `baton://runs/${started.id}/journal`]) {
      const answer = await inSession(tokens.other, other, { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } });
      expectRefused(answer, uri);
    }
    // A signal of the wrong shape from the run's own namespace is refused too; the run still waits.
    const refused = await inSession(tokens.operator, session, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'send_signal', arguments: { runId: started.id, name: 'release', data: { ok: 'yes' } } },
    });
    expect((refused.json as { result?: { isError?: boolean } }).result?.isError, refused.text).toBe(true);
    expect((await engine.client.get(started.id))?.status).toBe('waiting');
    await engine.client.cancel(started.id);
  });

  it('refuses GET without Accept: text/event-stream', async () => {
    for (const accept of [undefined, 'application/json', 'text/html', '*/*']) {
      const headers: Record<string, string> = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
      if (accept !== undefined) headers.accept = accept;
      const answer = await mcp(tokens.operator, '', headers, 'GET');
      expect(answer.status, String(accept)).toBe(406);
      expectRefused(answer, `GET accept ${accept}`);
    }
    await expectMcpHealthy(tokens.operator, session);
  });

  it('refuses a viewer every tool that changes something', async () => {
    const viewer = await openSession(tokens.viewer);
    const before = await runCount();
    for (const tool of ['greet', 'cancel_run', 'send_signal']) {
      const answer = await inSession(tokens.viewer, viewer, {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: tool, arguments: { name: 'Ada', runId: 'r', data: {} } },
      });
      expect(answer.status).toBeLessThan(500);
      const body = answer.json as { error?: { message: string }; result?: { isError?: boolean } };
      if (body.error === undefined) expect(body.result?.isError, tool).toBe(true);
    }
    expect(await runCount()).toBe(before);
  });

  it('survives generated junk: every answer a refusal, the session still healthy', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const values: unknown[] = [null, 0, -1, 1e308, true, '', 'x', '\u202e', '\ud800', [], {}, [null], { __proto__: { a: 1 } }, 'baton://runs/x'];
    const methods = [
      'tools/call',
      'tools/list',
      'resources/read',
      'resources/subscribe',
      'prompts/get',
      'completion/complete',
      'logging/setLevel',
      'ping',
      '',
      'rpc.discover',
    ];
    const before = await runCount();
    for (let i = 0; i < 150; i += 1) {
      const body: Record<string, unknown> = { jsonrpc: random() < 0.9 ? '2.0' : pick(values), id: random() < 0.8 ? i : pick(values), method: pick(methods) };
      if (random() < 0.8)
        body.params =
          random() < 0.5 ? pick(values) : { name: pick([...values, 'greet', 'hold']), uri: pick(values), arguments: pick(values), level: pick(values) };
      const answer = await inSession(tokens.operator, session, body);
      expect(answer.status, JSON.stringify(body)).toBeLessThan(500);
    }
    expect(await runCount()).toBe(before);
    await expectMcpHealthy(tokens.operator, session);
  });
});

describe('/mcp session limit', () => {
  it('counts no session for a refused initialize', async () => {
    const small = await startApiServer({ client: engine.client, store, workflows: engine.workflows, host: '127.0.0.1', port: 0, mcp: { maxSessions: 2 } });
    try {
      const post = (body: string, headers: Record<string, string> = mcpHeaders) =>
        fetch(`${small.url}/mcp`, {
          method: 'POST',
          headers: { ...headers, authorization: `Bearer ${tokens.operator}` },
          body,
          signal: AbortSignal.timeout(20_000),
        });
      for (let i = 0; i < 20; i += 1) {
        const refused = await post(
          i % 2 === 0 ? '{' : JSON.stringify({ ...initializeBody(), jsonrpc: '1.0' }),
          i % 4 === 1 ? { 'content-type': 'text/plain' } : mcpHeaders,
        );
        expect(refused.status).toBeGreaterThanOrEqual(400);
        expect(refused.status).toBeLessThan(500);
        await refused.body?.cancel();
      }
      const opened = [];
      for (let i = 0; i < 2; i += 1) {
        const res = await post(JSON.stringify(initializeBody()));
        expect(res.status).toBe(200);
        opened.push(res.headers.get('mcp-session-id'));
        await res.body?.cancel();
      }
      expect(new Set(opened).size).toBe(2);
      const full = await post(JSON.stringify(initializeBody()));
      expect(full.status).toBe(503);
      expect(((await full.json()) as { error: { code: string } }).error.code).toBe('BATON_MCP_SESSIONS_FULL');
    } finally {
      await small.close();
    }
  });
});
