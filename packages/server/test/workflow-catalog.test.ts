/**
 * An API server without the workflows' code (`baton start` with no --workflows; workers run elsewhere)
 * knows workflows from the store's catalog: it refuses starts and schedules of a name no worker has
 * registered, accepts them once a worker with it has started, and lists the catalog's workflows.
 * On SQLite and PostgreSQL, through real HTTP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Engine, defineWorkflow, newApiKey, silentLogger, type AnyWorkflow, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

const greet = defineWorkflow(
  { name: 'greet', version: '2', description: 'Says hello', input: z.object({ name: z.string() }), output: z.string() },
  async (ctx, input: { name: string }) => ctx.step('hello', () => `hello ${input.name}`),
);
const other = defineWorkflow({ name: 'other' }, async () => 'other');

describe.each(testStores('the workflow catalog API tests'))('the workflow catalog through the API on $name', (stores) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let token: string;
  const workers: { engine: Engine; store: Store }[] = [];

  /** A worker process of its own: an engine on another handle of the same storage. */
  async function startWorker(workflows: AnyWorkflow[]): Promise<{ engine: Engine; store: Store }> {
    const workerStore = stores.reopen(store);
    const engine = new Engine({ store: workerStore, workflows, logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    const worker = { engine, store: workerStore };
    workers.push(worker);
    return worker;
  }

  async function stopWorker(worker: { engine: Engine; store: Store }): Promise<void> {
    workers.splice(workers.indexOf(worker), 1);
    await worker.engine.stop({ timeoutMs: 2000 });
    await worker.store.close();
  }

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    store = stores.create();
    await store.init();
    const admin = newApiKey({ name: 'ops', role: 'admin' }, Date.now());
    await store.createApiKey(admin.record);
    token = admin.token;
    // As `baton start` with no --workflows: a client with no workflows of its own.
    server = await startApiServer({ client: new Client({ store }), store, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    for (const worker of [...workers]) await stopWorker(worker);
    await server?.close();
    await store?.close();
  });

  it('refuses a start and a schedule of a workflow no worker has registered (404 BATON_WORKFLOW_NOT_FOUND), creating nothing, audited', async () => {
    const started = await call('POST', '/api/runs', { workflow: 'greet', input: { name: 'Ada' }, id: 'too-early' });
    expect(started.status).toBe(404);
    expect(started.body.error).toMatchObject({ code: 'BATON_WORKFLOW_NOT_FOUND', details: { workflow: 'greet' } });
    expect(started.body.error.message).toMatch(/No workflow named 'greet'.*No run was created/);
    expect((await call('GET', '/api/runs')).body.runs).toEqual([]);

    const scheduled = await call('POST', '/api/schedules', { id: 'morning', workflow: 'greet', cron: '0 8 * * *', input: { name: 'Ada' } });
    expect(scheduled.status).toBe(404);
    expect(scheduled.body.error.code).toBe('BATON_WORKFLOW_NOT_FOUND');
    expect((await call('GET', '/api/schedules')).body.schedules).toEqual([]);
    expect((await call('GET', '/api/workflows')).body.workflows).toEqual([]);

    const audit = (await call('GET', '/api/audit?result=BATON_WORKFLOW_NOT_FOUND')).body.entries as { action: string; target: string }[];
    expect(audit.map((e) => [e.action, e.target])).toEqual([
      ['schedule.create', 'morning'],
      ['run.start', 'too-early'],
    ]);
  });

  it('accepts them once a worker with the workflow has started, and lists it with its schema', async () => {
    await startWorker([greet]);
    const started = await call('POST', '/api/runs', { workflow: 'greet', input: { name: 'Ada' }, id: 'greet-ada' });
    expect(started.status).toBe(201);
    await waitFor(async () => (await call('GET', '/api/runs/greet-ada')).body.run.status === 'completed', {
      timeoutMs: 30_000,
      message: 'the worker to run greet-ada',
    });
    expect((await call('GET', '/api/runs/greet-ada')).body.run.output).toBe('hello Ada');

    const scheduled = await call('POST', '/api/schedules', { id: 'morning', workflow: 'greet', cron: '0 8 * * *', input: { name: 'Ada' } });
    expect(scheduled.status).toBe(201);
    expect((await call('PATCH', '/api/schedules/morning', { cron: '0 9 * * *' })).status).toBe(200);

    const listed = (await call('GET', '/api/workflows')).body.workflows as Record<string, unknown>[];
    expect(listed).toEqual([
      {
        name: 'greet',
        version: '2',
        description: 'Says hello',
        queue: 'default',
        inputSchema: expect.objectContaining({ type: 'object', required: ['name'] }),
        outputSchema: expect.objectContaining({ type: 'string' }),
        kind: 'code',
        lastSeenAt: expect.any(String),
      },
    ]);
    expect(Date.now() - Date.parse(listed[0]!.lastSeenAt as string)).toBeLessThan(10 * 60_000);
  });

  it('keeps a workflow removed from the code known: its runs wait for a worker that has it again', async () => {
    for (const worker of [...workers]) await stopWorker(worker);
    await startWorker([other]);
    const started = await call('POST', '/api/runs', { workflow: 'greet', input: { name: 'Bo' }, id: 'greet-bo' });
    expect(started.status).toBe(201);
    expect(started.body.run).toMatchObject({ status: 'queued', workflow: 'greet' });
    expect(((await call('GET', '/api/workflows')).body.workflows as { name: string }[]).map((w) => w.name)).toEqual(['greet', 'other']);
    await startWorker([greet]);
    await waitFor(async () => (await call('GET', '/api/runs/greet-bo')).body.run.status === 'completed', {
      timeoutMs: 30_000,
      message: 'a worker with greet again to run greet-bo',
    });
  });

  it('refuses to change a schedule of a workflow no worker has registered (made by a client that had its code)', async () => {
    const ghost = defineWorkflow({ name: 'ghost' }, async () => undefined);
    await new Client({ store, workflows: [ghost] }).schedules.create({ id: 'haunt', workflow: 'ghost', cron: '0 0 * * *' });
    const changed = await call('PATCH', '/api/schedules/haunt', { cron: '0 1 * * *' });
    expect(changed.status).toBe(404);
    expect(changed.body.error.code).toBe('BATON_WORKFLOW_NOT_FOUND');
    expect(changed.body.error.message).toContain('delete it');
    expect((await call('GET', '/api/schedules/haunt')).body.schedule.cron).toBe('0 0 * * *');
    expect((await call('DELETE', '/api/schedules/haunt')).status).toBe(200);
  });
});
