/** The typed HTTP client against a real listening server: the same operations as the in-process client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { ApiClient, startApiServer, type ApiServer } from '@baton/server';

const wf = defineWorkflow({ name: 'remote' }, async (ctx, input: { at: Date; n: bigint }) => {
  const ok = await ctx.waitForSignal<{ by: string }>('go');
  return { by: ok.by, at: input.at, n: input.n + 1n };
});
const broken = defineWorkflow({ name: 'remote-broken' }, async (ctx) => {
  await ctx.step(
    'fail',
    () => {
      throw new Error('nope');
    },
    { retry: { maxAttempts: 1 } },
  );
});

let dir: string;
let store: SqliteStore;
let engine: Engine;
let server: ApiServer;
let api: ApiClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-api-client-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [wf, broken], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const key = newApiKey({ name: 'client', role: 'operator' }, Date.now());
  await store.createApiKey(key.record);
  server = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
  api = new ApiClient({ url: server.url, key: key.token });
});

afterAll(async () => {
  await server.close();
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ApiClient', () => {
  it('starts, signals and awaits a run over HTTP, with typed values both ways', async () => {
    const { run, created } = await api.start('remote', { at: new Date(Date.UTC(2031, 5, 1)), n: 41n }, { id: 'remote-1' });
    expect(created).toBe(true);
    expect(run.id).toBe('remote-1');
    expect((await api.start('remote', { at: new Date(), n: 0n }, { id: 'remote-1' })).created).toBe(false);
    for (let i = 0; i < 100 && (await api.get('remote-1'))?.run.status !== 'waiting'; i++) await new Promise((r) => setTimeout(r, 10));
    await api.signal('remote-1', 'go', { by: 'http' });
    expect(await api.result('remote-1', { timeoutMs: 10_000, pollMs: 20 })).toEqual({ by: 'http', at: new Date(Date.UTC(2031, 5, 1)), n: 42n });
    expect((await api.list({ workflow: 'remote' })).runs.map((r) => r.id)).toEqual(['remote-1']);
    expect(await api.get('missing')).toBeUndefined();
  });

  it("throws the server's errors with their codes", async () => {
    const { run } = await api.start('remote-broken');
    await expect(api.result(run.id, { timeoutMs: 10_000, pollMs: 20 })).rejects.toMatchObject({ code: 'BATON_STEP_FAILED' });
    await expect(api.signal(run.id, 'go')).rejects.toMatchObject({ code: 'BATON_RUN_FINISHED' });
    expect(await api.schedules()).toEqual([]);
    await expect(new ApiClient({ url: server.url }).list()).rejects.toMatchObject({ code: 'BATON_UNAUTHORIZED' });
    await expect(new ApiClient({ url: 'http://127.0.0.1:1' }).list()).rejects.toMatchObject({ code: 'BATON_UNAVAILABLE', retryable: true });
  });
});
