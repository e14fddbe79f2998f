/** The HTTP API's routes, in process (`app.request()`), on a real SQLite store with an engine running the workflows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp, startApiServer } from '@baton/server';
import { Validator } from '@seriousme/openapi-schema-validator';

const greet = defineWorkflow(
  { name: 'greet', description: 'Says hello', input: z.object({ name: z.string().min(1) }), output: z.object({ greeting: z.string(), at: z.date() }) },
  async (ctx, input: { name: string }) => ctx.step('hello', () => ({ greeting: `hello ${input.name}`, at: new Date(Date.UTC(2030, 0, 1)) })),
);
const approval = defineWorkflow({ name: 'approval' }, async (ctx) => ctx.waitForSignal<{ ok: boolean }>('decision'));
const fails = defineWorkflow({ name: 'fails' }, async (ctx) => {
  await ctx.step(
    'boom',
    () => {
      throw new Error('no');
    },
    { retry: { maxAttempts: 1 } },
  );
});

let dir: string;
let store: SqliteStore;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let adminKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-server-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [greet, approval, fails], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const admin = newApiKey({ name: 'tests', role: 'admin' }, Date.now());
  await store.createApiKey(admin.record);
  adminKey = admin.token;
  app = createApp({ client: engine.client, store, workflows: engine.workflows });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown, raw?: string) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined && raw === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('HTTP API routes', () => {
  it('answers health and readiness, and lists workflows with their input as JSON Schema', async () => {
    expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/api/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    const { body } = await call('GET', '/api/workflows');
    const g = body.workflows.find((w: { name: string }) => w.name === 'greet');
    expect(g).toMatchObject({ name: 'greet', version: '1', description: 'Says hello', queue: 'default' });
    expect(g.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] });
    expect(g.outputSchema).toMatchObject({ type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting', 'at'] });
    expect(body.workflows.find((w: { name: string }) => w.name === 'approval').outputSchema).toBeUndefined();
  });

  it('starts a run (idempotently by id), reads it with its journal, and lists runs', async () => {
    const started = await call('POST', '/api/runs', { workflow: 'greet', input: { name: 'Ada' }, id: 'greet-ada' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ created: true, run: { id: 'greet-ada', workflow: 'greet', input: { name: 'Ada' } } });
    expect((await call('POST', '/api/runs', { workflow: 'greet', input: { name: 'Ada' }, id: 'greet-ada' })).status).toBe(200);
    await engine.client.result('greet-ada', { timeoutMs: 10_000 });
    const { status, body } = await call('GET', '/api/runs/greet-ada');
    expect(status).toBe(200);
    // Values travel as typed JSON: the Date keeps its type.
    expect(body.run).toMatchObject({ status: 'completed', output: { greeting: 'hello Ada', at: { $baton: 'date', v: '2030-01-01T00:00:00.000Z' } } });
    expect(body.journal).toEqual([expect.objectContaining({ seq: 1, kind: 'step', name: 'hello', status: 'completed', attempts: 1 })]);
    const list = await call('GET', '/api/runs?workflow=greet&status=completed&limit=10');
    expect(list.body.runs.map((r: { id: string }) => r.id)).toContain('greet-ada');
  });

  it('signals, cancels, retries and resumes, with 409 when the state does not allow it', async () => {
    const { body: waiting } = await call('POST', '/api/runs', { workflow: 'approval' });
    const id = waiting.run.id as string;
    for (let i = 0; i < 100 && (await engine.client.get(id))?.status !== 'waiting'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await call('POST', `/api/runs/${id}/signal`, { name: 'decision', data: { ok: true } })).toEqual({ status: 202, body: { accepted: true } });
    expect(await engine.client.result(id, { timeoutMs: 10_000 })).toEqual({ ok: true });
    expect((await call('POST', `/api/runs/${id}/signal`, { name: 'decision' })).body.error.code).toBe('BATON_RUN_FINISHED');
    expect((await call('POST', `/api/runs/${id}/cancel`, {})).status).toBe(409);

    const { body: other } = await call('POST', '/api/runs', { workflow: 'approval' });
    const cancelled = await call('POST', `/api/runs/${other.run.id}/cancel`, { reason: 'not needed' });
    expect(cancelled.status).toBe(200);

    const { body: failing } = await call('POST', '/api/runs', { workflow: 'fails' });
    await engine.client.result(failing.run.id, { timeoutMs: 10_000 }).catch(() => undefined);
    expect((await call('POST', `/api/runs/${failing.run.id}/retry`)).body.run.status).toBe('queued');
    expect((await call('POST', `/api/runs/greet-ada/resume`)).status).toBe(409);

    for (const query of ['status=cancelled,failed,queued', 'status=cancelled&status=failed,queued']) {
      const res = await call('GET', `/api/runs?${query}&limit=100`);
      const listed = res.body.runs as { id: string; status: string }[];
      expect(new Set(listed.map((r) => r.status))).toEqual(new Set(['cancelled', 'queued']));
      expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining([other.run.id, failing.run.id]));
    }
  });

  it('takes events plain or as CloudEvents, deduplicated, and lists them', async () => {
    const first = await call('POST', '/api/events', { type: 'thing.happened', data: { n: 1 }, id: 'e-1', source: 'tests' });
    expect(first).toMatchObject({ status: 201, body: { created: true, event: { id: 'e-1', type: 'thing.happened', data: { n: 1 } } } });
    expect((await call('POST', '/api/events', { type: 'thing.happened', data: { n: 2 }, id: 'e-1', source: 'tests' })).status).toBe(200);
    const cloud = await call('POST', '/api/events', { specversion: '1.0', id: 'c-1', source: 'https://x.example', type: 'thing.happened', data: { n: 3 } });
    expect(cloud.status).toBe(201);
    const { body } = await call('GET', '/api/events?type=thing.happened');
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(['e-1', 'c-1']);
  });

  it('creates, reads, pauses, resumes and deletes schedules', async () => {
    const created = await call('POST', '/api/schedules', { id: 'nightly-greet', workflow: 'greet', cron: '0 3 * * *', input: { name: 'night' } });
    expect(created).toMatchObject({ status: 201, body: { schedule: { id: 'nightly-greet', workflow: 'greet', paused: false, source: 'api' } } });
    expect((await call('POST', '/api/schedules', { id: 'nightly-greet', workflow: 'greet', cron: '0 3 * * *', input: { name: 'x' } })).status).toBe(409);
    expect((await call('POST', '/api/schedules', { id: 'bad-input', workflow: 'greet', cron: '0 3 * * *', input: { name: '' } })).body.error.code).toBe(
      'BATON_INVALID_INPUT',
    );
    expect((await call('POST', '/api/schedules/nightly-greet/pause')).body.schedule.paused).toBe(true);
    expect((await call('POST', '/api/schedules/nightly-greet/resume')).body.schedule.paused).toBe(false);
    expect((await call('GET', '/api/schedules')).body.schedules.map((s: { id: string }) => s.id)).toContain('nightly-greet');
    expect(await call('DELETE', '/api/schedules/nightly-greet')).toEqual({ status: 200, body: { deleted: true } });
    expect((await call('GET', '/api/schedules/nightly-greet')).status).toBe(404);
  });

  it('answers bad input with one error shape, field-level messages, stable codes and no stack', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/runs', { workflow: 'greet', input: { name: '' } }, 400, 'BATON_INVALID_INPUT'],
      ['POST', '/api/runs', { input: {} }, 400, 'BATON_INVALID_ARGUMENT'],
      ['POST', '/api/runs', { workflow: 'greet', priority: 'high' }, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs/does-not-exist', undefined, 404, 'BATON_RUN_NOT_FOUND'],
      ['GET', '/api/runs?status=sleeping', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs?status=failed,sleeping', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs?status=failed,', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs?status=', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs?limit=0', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/runs?cursor=%00%ff', undefined, 400, 'BATON_INVALID_TEXT'],
      ['GET', '/api/runs?cursor=%ff%fe', undefined, 400, 'BATON_INVALID_ARGUMENT'],
      ['POST', '/api/runs/x/signal', { name: '$event:x#1' }, 400, 'BATON_INVALID_ARGUMENT'],
      ['POST', '/api/events', { type: 'bad type' }, 400, 'BATON_INVALID_ARGUMENT'],
      ['GET', '/api/nope', undefined, 404, 'BATON_NOT_FOUND'],
    ];
    for (const [method, path, payload, status, code] of cases) {
      const res = await call(method, path, payload);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status, code });
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .+:\d+:\d+/);
    }
    const fields = (await call('POST', '/api/runs', { workflow: 7 })).body.error.details.fields;
    expect(fields).toEqual([expect.objectContaining({ path: 'workflow' })]);
    expect((await call('POST', '/api/runs', undefined, '{"workflow": ')).body.error.code).toBe('BATON_INVALID_JSON');
    const huge = await call('POST', '/api/runs', undefined, JSON.stringify({ workflow: 'greet', input: { name: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'BATON_BODY_TOO_LARGE' } } });
  });

  it('publishes an OpenAPI 3.1 document of every route', async () => {
    const { status, body } = await call('GET', '/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const path of ['/api/runs', '/api/runs/{id}', '/api/runs/{id}/signal', '/api/events', '/api/schedules', '/api/workflows', '/api/health']) {
      expect(Object.keys(body.paths)).toContain(path);
    }
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['Run', 'JournalEntry', 'Event', 'Schedule', 'Error']));
    // Valid against the OpenAPI 3.1 schema itself.
    const result = await new Validator().validate(body);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe('the API on a real socket', () => {
  it('listens on loopback by default, answers, and closes', async () => {
    const server = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/api/runs/greet-ada`, { headers: { 'x-api-key': adminKey } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });
});
