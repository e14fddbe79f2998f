/**
 * POST /api/runs/{id}/signal refuses data that does not match the schema the run's workflow declares
 * for the signal: 400 BATON_INVALID_SIGNAL naming each wrong field, nothing stored, the refusal
 * audited. Both where the server has the workflow's code (its zod schema) and where only the store's
 * catalog knows it (its JSON Schema, checked by Ajv), for each version's own schema; on SQLite and
 * PostgreSQL, through real HTTP on loopback, with the worker on another handle of the storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Engine, defineWorkflow, newApiKey, silentLogger, type Store } from '@baton/core';
import { createJsonSchemaValidator, startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

const decision = z.object({ approved: z.boolean(), by: z.string().min(1), note: z.string().max(20).optional() }).strict();
const approvalV1 = defineWorkflow({ name: 'approval', version: '1', signals: { decision: z.boolean() } }, async (ctx) => ctx.waitForSignal('decision'));
const approvalV2 = defineWorkflow({ name: 'approval', version: '2', signals: { decision } }, async (ctx) => ({
  decision: await ctx.waitForSignal('decision'),
  comment: await ctx.waitForSignal('comment'),
}));

type Server = Awaited<ReturnType<typeof startApiServer>>;

describe.each(testStores('the signal check API tests'))('signal data checked by the API on $name', (stores) => {
  let store: Store;
  let workerStore: Store;
  let worker: Engine;
  /** As `baton start` without --workflows: only the catalog knows the workflow. */
  let catalogOnly: Server;
  /** As `baton start --workflows`: the server has the code. */
  let withCode: Server;
  let token: string;

  const call = async (server: Server, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  const waitForStatus = (server: Server, id: string, status: string) =>
    waitFor(async () => (await call(server, 'GET', `/api/runs/${id}`)).body.run?.status === status, {
      timeoutMs: 30_000,
      message: `run ${id} to be ${status}`,
    });

  beforeAll(async () => {
    store = stores.create();
    await store.init();
    const admin = newApiKey({ name: 'ops', role: 'admin' }, Date.now());
    await store.createApiKey(admin.record);
    token = admin.token;
    workerStore = stores.reopen(store);
    worker = new Engine({ store: workerStore, workflows: [approvalV1, approvalV2], logger: silentLogger, pollIntervalMs: 20 });
    await worker.start();
    catalogOnly = await startApiServer({ client: new Client({ store, jsonSchemaValidator: createJsonSchemaValidator() }), store, host: '127.0.0.1', port: 0 });
    const workflows = [approvalV1, approvalV2];
    withCode = await startApiServer({ client: new Client({ store, workflows }), store, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await catalogOnly?.close();
    await withCode?.close();
    await worker?.stop({ timeoutMs: 2000 });
    await workerStore?.close();
    await store?.close();
  });

  it.each([
    ['only the catalog knows the workflow', () => catalogOnly],
    ['the server has the code', () => withCode],
  ])('refuses wrong data with 400 naming each field, stores nothing and audits it, when %s', async (_where, server) => {
    const id = `approve-${server() === catalogOnly ? 'catalog' : 'code'}-${stores.name}`;
    expect((await call(server(), 'POST', '/api/runs', { workflow: 'approval', id })).status).toBe(201);
    await waitForStatus(server(), id, 'waiting');

    const refused = await call(server(), 'POST', `/api/runs/${id}/signal`, { name: 'decision', data: { approved: 'yes', note: 'x'.repeat(21), extra: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BATON_INVALID_SIGNAL');
    expect(refused.body.error.message).toMatch(/Invalid data for signal 'decision'.*Nothing was sent/);
    expect(refused.body.error.details.signal).toBe('decision');
    const paths = (refused.body.error.details.fields as { path: string; message: string }[]).map((f) => f.path);
    expect([...new Set(paths)].sort()).toEqual(server() === catalogOnly ? ['approved', 'by', 'extra', 'note'] : ['(root)', 'approved', 'by', 'note']);

    const audit = (await call(server(), 'GET', `/api/audit?result=BATON_INVALID_SIGNAL&target=${id}`)).body.entries as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'run.signal', target: id, detail: { signal: 'decision' } });
    expect([...(audit[0]!.detail.fields as string[])].sort()).toEqual([...new Set(paths)].sort());

    // Nothing was stored: the run still waits, and consumes the valid signal sent next.
    expect((await call(server(), 'GET', `/api/runs/${id}`)).body.run.status).toBe('waiting');
    expect((await call(server(), 'POST', `/api/runs/${id}/signal`, { name: 'decision', data: { approved: true, by: 'dana' } })).status).toBe(202);
    // A signal the workflow does not declare takes any data.
    expect((await call(server(), 'POST', `/api/runs/${id}/signal`, { name: 'comment', data: 42 })).status).toBe(202);
    await waitForStatus(server(), id, 'completed');
    expect((await call(server(), 'GET', `/api/runs/${id}`)).body.run.output).toEqual({ decision: { approved: true, by: 'dana' }, comment: 42 });
  });

  it.each([
    ['only the catalog knows the workflow', () => catalogOnly],
    ['the server has the code', () => withCode],
  ])("checks a run of an older version with that version's schema, when %s", async (_where, server) => {
    const id = `approve-v1-${server() === catalogOnly ? 'catalog' : 'code'}-${stores.name}`;
    await new Client({ store, workflows: [approvalV1] }).start(approvalV1, undefined, { id });
    await waitForStatus(server(), id, 'waiting');
    expect((await call(server(), 'GET', `/api/runs/${id}`)).body.run.version).toBe('1');
    const refused = await call(server(), 'POST', `/api/runs/${id}/signal`, { name: 'decision', data: { approved: true, by: 'dana' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'BATON_INVALID_SIGNAL', details: { signal: 'decision', fields: [{ path: '(root)' }] } });
    expect((await call(server(), 'POST', `/api/runs/${id}/signal`, { name: 'decision', data: true })).status).toBe(202);
    await waitForStatus(server(), id, 'completed');
    expect((await call(server(), 'GET', `/api/runs/${id}`)).body.run.output).toBe(true);
  });
});
