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
let admin: ApiClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-api-client-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [wf, broken], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const key = newApiKey({ name: 'client', role: 'operator' }, Date.now());
  await store.createApiKey(key.record);
  server = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
  api = new ApiClient({ url: server.url, key: key.token });
  const adminKey = newApiKey({ name: 'ops', role: 'admin' }, Date.now());
  await store.createApiKey(adminKey.record);
  admin = new ApiClient({ url: server.url, key: adminKey.token });
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

  it('lists runs by tag and text, and reads the audit log', async () => {
    await api.start('remote', { at: new Date(), n: 1n }, { id: 'tagged-1', tags: ['nightly'] });
    expect((await api.list({ tag: 'nightly' })).runs.map((r) => r.id)).toEqual(['tagged-1']);
    expect((await api.list({ search: 'TAGGED' })).runs.map((r) => r.id)).toEqual(['tagged-1']);
    await api.cancel('tagged-1', 'not needed');
    const { entries } = await admin.audit({ target: 'tagged-1' });
    expect(entries.map((e) => `${e.action} ${e.result}`)).toEqual(['run.cancel ok', 'run.start ok']);
    await expect(api.audit()).rejects.toMatchObject({ code: 'BATON_FORBIDDEN' });
  });

  it('creates, changes, pauses, resumes and deletes a schedule', async () => {
    const created = await admin.schedule.create({ id: 'nightly', workflow: 'remote', cron: '0 3 * * *', input: { at: new Date(0), n: 1n } });
    expect(created).toMatchObject({ id: 'nightly', cron: '0 3 * * *', timezone: 'UTC', paused: false });
    const changed = await admin.schedule.update('nightly', { cron: '30 4 * * *', timezone: 'Europe/Berlin' });
    expect(changed).toMatchObject({ cron: '30 4 * * *', timezone: 'Europe/Berlin', input: created.input });
    expect(new Date(changed.nextAt!).getTime()).toBeGreaterThan(Date.now());
    expect((await admin.schedule.pause('nightly')).paused).toBe(true);
    expect((await admin.schedule.update('nightly', { overlap: 'buffer' })).paused).toBe(true);
    expect((await admin.schedule.resume('nightly')).paused).toBe(false);
    await expect(admin.schedule.update('nightly', { cron: 'not a cron' })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
    await expect(api.schedule.update('nightly', { cron: '* * * * *' })).rejects.toMatchObject({ code: 'BATON_FORBIDDEN' });
    await admin.schedule.delete('nightly');
    await expect(admin.schedule.update('nightly', { cron: '* * * * *' })).rejects.toMatchObject({ code: 'BATON_SCHEDULE_NOT_FOUND' });
    const audit = await admin.audit({ target: 'nightly' });
    expect(audit.entries.map((e) => `${e.action} ${e.result}`)).toEqual([
      'schedule.update BATON_SCHEDULE_NOT_FOUND',
      'schedule.delete ok',
      'schedule.update BATON_FORBIDDEN',
      'schedule.update BATON_INVALID_ARGUMENT',
      'schedule.resume ok',
      'schedule.update ok',
      'schedule.pause ok',
      'schedule.update ok',
      'schedule.create ok',
    ]);
  });

  it('follows live changes, and picks up where it was after the connection drops', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const ids: string[] = [];
    const follow = (async () => {
      for await (const change of api.changes({ workflow: 'remote', signal: abort.signal, reconnectMs: 50 })) {
        ids.push(change.id);
        seen.push(change.kind === 'run' ? `${change.runId} ${change.status}` : `${change.runId} ${change.seq}:${change.name}`);
      }
    })();
    const until = async (line: string): Promise<void> => {
      for (let i = 0; i < 500 && !seen.includes(line); i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toContain(line);
    };
    await new Promise((resolve) => setTimeout(resolve, 200));
    await api.start('remote', { at: new Date(), n: 1n }, { id: 'live-1' });
    await until('live-1 waiting');

    // The server goes away (every connection dropped) and comes back on the same address.
    const port = Number(new URL(server.url).port);
    await server.close();
    await engine.client.signal('live-1', 'go', { by: 'stream' });
    await engine.client.result('live-1');
    server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, port });
    await until('live-1 completed');
    abort.abort();
    await follow;

    const mine = seen.filter((l) => l.startsWith('live-1 '));
    expect(mine.slice(mine.indexOf('live-1 waiting'))).toEqual(['live-1 waiting', 'live-1 running', 'live-1 1:go', 'live-1 completed']);
    // Nothing twice across the reconnection.
    expect(new Set(ids).size).toBe(ids.length);
  });
});
