/**
 * The API's edge over real HTTP on loopback: requests Node's parser refuses (raw sockets), bodies of
 * the wrong content type, CloudEvents without the attributes the spec requires, and the request id
 * every response carries (the one an unexpected failure is logged under).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer, type FailedRequest } from '@baton/server';

const exploding = defineWorkflow(
  {
    name: 'exploding',
    input: z.object({}).transform((): Record<string, never> => {
      throw new Error('schema exploded');
    }),
  },
  async () => 'never',
);

const nightly = defineWorkflow({ name: 'nightly' }, async () => 'done');

let dir: string;
let store: SqliteStore;
let engine: Engine;
let api: ApiServer;
let key: string;
const failures: { error: unknown; request: FailedRequest }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-http-edge-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  engine = new Engine({ store, workflows: [exploding, nightly], logger: silentLogger });
  const admin = newApiKey({ name: 'admin', role: 'admin' }, Date.now());
  await store.createApiKey(admin.record);
  key = admin.token;
  api = await startApiServer({
    client: engine.client,
    store,
    workflows: engine.workflows,
    maxBodyBytes: 1024,
    onError: (error, request) => failures.push({ error, request }),
  });
});

afterAll(async () => {
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes on a new connection and reads everything the server answers until it closes. */
function sendRaw(raw: string): Promise<{ status: number; headers: Map<string, string>; body: unknown }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as unknown });
      } catch {
        reject(new Error(`not a JSON answer: ${received}`));
      }
    });
    socket.write(raw);
  });
}

const auth = () => ({ authorization: `Bearer ${key}` });

describe('malformed HTTP', () => {
  it.each([
    ['a NUL in the path', 'GET /api/runs/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BATON_BAD_REQUEST'],
    ['a space in the path', 'GET /api/runs/a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BATON_BAD_REQUEST'],
    ['bad chunking', 'POST /api/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'BATON_BAD_REQUEST'],
    ['a negative Content-Length', 'POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'BATON_BAD_REQUEST'],
    ['two Content-Lengths', 'POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, 'BATON_BAD_REQUEST'],
    ['a control character in a header', 'GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n', 400, 'BATON_BAD_REQUEST'],
    ['headers over the limit', `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'BATON_HEADERS_TOO_LARGE'],
  ])('answers %s with the one error shape and closes', async (_what, raw, status, code) => {
    const answer = await sendRaw(raw);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(answer.body).toMatchObject({ error: { code, message: expect.stringMatching(/.{20,}/) } });
  });

  it('answers a malformed request that follows a good one on the same connection after the good one', async () => {
    const { hostname, port } = new URL(api.url);
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/runs/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(answers[0]).toContain('{"status":"ok"}');
    expect(answers[1]).toContain('"code":"BATON_BAD_REQUEST"');
  });

  it('still serves well-formed requests afterwards', async () => {
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  });
});

describe('content types', () => {
  it('answers a body that is not JSON with 415 BATON_UNSUPPORTED_MEDIA_TYPE in the one error shape', async () => {
    for (const contentType of ['text/plain', 'application/xml', undefined]) {
      const res = await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { ...auth(), ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        body: '{"workflow":"x"}',
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'BATON_UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') } });
    }
    const broken = await fetch(`${api.url}/api/runs`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"workflow": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'BATON_INVALID_JSON' } });
  });
});

describe('request ids', () => {
  it('are on every response; a sane incoming one is kept, any other replaced', async () => {
    const answers = [
      await fetch(`${api.url}/api/health`),
      await fetch(`${api.url}/api/runs`),
      await fetch(`${api.url}/api/nothing-here`, { headers: auth() }),
      await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ x: 'y'.repeat(5000) }),
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 413]);
    for (const res of answers) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${api.url}/api/health`, { headers: { 'x-request-id': 'lb-7f3a:9/1' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a:9/1');
    for (const bad of ['has space', 'x'.repeat(200), 'é']) {
      const replaced = await fetch(`${api.url}/api/health`, { headers: { 'x-request-id': encodeURI(bad).replace(/%20/g, ' ') } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('of an unexpected failure are in the 500 body and go with the error to onError', async () => {
    const res = await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'x-request-id': 'req-500' },
      body: JSON.stringify({ workflow: 'exploding', input: {} }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-500');
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error).toMatchObject({ code: 'BATON_INTERNAL', details: { requestId: 'req-500' } });
    expect(body.error.message).toContain('req-500');
    expect(JSON.stringify(body)).not.toContain('exploded');
    const failure = failures.find((f) => f.request.requestId === 'req-500');
    expect(failure?.request).toEqual({ requestId: 'req-500', method: 'POST', path: '/api/runs', status: 500 });
    expect((failure?.error as Error).stack).toContain('schema exploded');
  });
});

describe('schedules', () => {
  it('refuses a cron that never fires, on create and on update, with 400 and a message that says so', async () => {
    const json = { ...auth(), 'content-type': 'application/json' };
    const created = await fetch(`${api.url}/api/schedules`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ id: 'feb31', workflow: 'nightly', cron: '0 0 31 2 *' }),
    });
    expect(created.status).toBe(400);
    expect(await created.json()).toMatchObject({
      error: { code: 'BATON_INVALID_ARGUMENT', message: expect.stringContaining('never fires'), details: { field: 'cron' } },
    });
    const fine = await fetch(`${api.url}/api/schedules`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ id: 'nightly', workflow: 'nightly', cron: '0 3 * * *' }),
    });
    expect(fine.status).toBe(201);
    const updated = await fetch(`${api.url}/api/schedules/nightly`, { method: 'PATCH', headers: json, body: JSON.stringify({ cron: '0 0 30 2 *' }) });
    expect(updated.status).toBe(400);
    expect(((await updated.json()) as { error: { message: string } }).error.message).toContain('never fires');
    expect((await engine.client.schedules.list()).map((s) => [s.id, s.cron])).toEqual([['nightly', '0 3 * * *']]);
  });
});

describe('CloudEvents', () => {
  const post = (body: unknown, contentType = 'application/cloudevents+json') =>
    fetch(`${api.url}/api/events`, { method: 'POST', headers: { ...auth(), 'content-type': contentType }, body: JSON.stringify(body) });
  const fieldsOf = async (res: Response) => ((await res.json()) as { error: { code: string; details: { fields: { path: string }[] } } }).error;

  it('refuses a structured event without specversion, id or source, naming each missing attribute', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ id: 'e1', source: 'shop', type: 'order.created' }, ['specversion']],
      [{ specversion: '1.0', source: 'shop', type: 'order.created' }, ['id']],
      [{ specversion: '1.0', id: 'e1', type: 'order.created' }, ['source']],
      [{ specversion: '1.0', id: 'e1', source: 'shop' }, ['type']],
      [{ type: 'order.created' }, ['specversion', 'id', 'source']],
      [{ specversion: '0.3', id: 'e1', source: 'shop', type: 't' }, ['specversion']],
      [{ specversion: '1.0', id: '', source: 'shop', type: 't' }, ['id']],
    ];
    for (const [event, missing] of cases) {
      const res = await post(event);
      expect(res.status, JSON.stringify(event)).toBe(400);
      const error = await fieldsOf(res);
      expect(error.code).toBe('BATON_INVALID_ARGUMENT');
      expect(error.details.fields.map((f) => f.path)).toEqual(missing);
    }
    // Sent as plain JSON, a body with a specversion is a CloudEvent too: no id is made up for it.
    const plainType = await post({ specversion: '1.0', source: 'shop', type: 'order.created' }, 'application/json');
    expect(plainType.status).toBe(400);
    expect((await fieldsOf(plainType)).details.fields.map((f) => f.path)).toEqual(['id']);
    expect(await engine.client.events.list()).toEqual([]);
  });

  it('stores a complete structured event once however often it is delivered, and keeps plain events as they were', async () => {
    const event = { specversion: '1.0', id: 'A-1', source: 'shop', type: 'order.created', data: { n: 1 } };
    expect((await post(event)).status).toBe(201);
    expect((await post(event)).status).toBe(200);
    // A plain event may leave out its id: one is made, as before.
    const plain = await post({ type: 'order.created', data: { n: 2 } }, 'application/json');
    expect(plain.status).toBe(201);
    expect(((await plain.json()) as { event: { id: string; source: string } }).event).toMatchObject({ id: expect.any(String), source: 'baton' });
    expect((await engine.client.events.list({ type: 'order.created' })).length).toBe(2);
  });
});
