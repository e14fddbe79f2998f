/**
 * POST /api/workflows/{name}/migrations over real HTTP, on both stores: an admin moves a waiting run
 * to a version that replays its journal (dry run first), or the runs a filter admits; a viewer or
 * operator is refused, a filter with run ids or a bad filter answers 400, and a server
 * without the new code answers 409 BATON_WORKFLOW_VERSION_NOT_LOADED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Engine, defineWorkflow, newApiKey, silentLogger, type Store } from '@baton/core';
import { ApiClient, startApiServer, type ApiServer } from '@baton/server';
import { testStores } from './test-stores.js';

function approval(version: '1' | '2' | '3') {
  return defineWorkflow({ name: 'api-move', version }, async (ctx) => {
    if (version === '3') await ctx.step('first-check', () => true);
    await ctx.step('prepare', () => 'ready');
    if (version === '2' && ctx.patched('notify')) await ctx.step('notify', () => 'sent');
    const decision = await ctx.waitForSignal<{ ok: boolean }>('decision');
    return `v${version}:${String(decision.ok)}`;
  });
}

for (const stores of testStores('version moves over HTTP')) {
  describe(`POST /api/workflows/{name}/migrations (${stores.name})`, () => {
    let store: Store;
    let engine: Engine;
    let server: ApiServer;
    let bare: ApiServer;
    const token = {} as Record<'admin' | 'operator' | 'viewer', string>;

    beforeAll(async () => {
      store = stores.create();
      await store.init();
      engine = new Engine({ store, workflows: [approval('1'), approval('3'), approval('2')], logger: silentLogger, pollIntervalMs: 20 });
      await engine.start();
      for (const role of ['admin', 'operator', 'viewer'] as const) {
        const key = newApiKey({ name: role, role }, Date.now());
        await store.createApiKey(key.record);
        token[role] = key.token;
      }
      server = await startApiServer({ client: engine.client, store, workflows: engine.workflows });
      // A server without the workflows' code: it cannot check runs against any version.
      bare = await startApiServer({ client: new Client({ store }), store });
    });

    afterAll(async () => {
      await bare?.close();
      await server?.close();
      await engine?.stop();
      await store?.close();
    });

    const as = (role: keyof typeof token, on = server) => new ApiClient({ url: on.url, key: token[role] });

    it('lets an admin check, then move, a waiting run; the run finishes on the new code', async () => {
      const handle = await engine.client.start(approval('1'), undefined);
      await waitUntilWaiting(engine, handle.id);
      const refused = await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '3', runIds: [handle.id] });
      expect(refused.refused).toEqual([{ runId: handle.id, divergence: expect.objectContaining({ seq: 1, code: 'BATON_NON_DETERMINISM' }) }]);

      const dry = await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, moved: [{ runId: handle.id, status: 'waiting' }], refused: [], skipped: [] });
      expect((await store.getRun(handle.id))!.version).toBe('1');

      const moved = await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2' });
      expect(moved).toMatchObject({ dryRun: false, moved: [{ runId: handle.id }] });
      expect((await store.getRun(handle.id))!.version).toBe('2');
      const audit = await store.listAudit({ action: 'run.migrate', limit: 10 });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ target: handle.id, result: 'ok' });

      await engine.client.signal(handle.id, 'decision', { ok: true });
      expect(await handle.result()).toBe('v2:true');
    });

    it('refuses an operator or a viewer, and a server without the code (409), with stable codes', async () => {
      for (const role of ['operator', 'viewer'] as const) {
        await expect(as(role).migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true })).rejects.toMatchObject({
          code: 'BATON_FORBIDDEN',
        });
      }
      await expect(as('admin', bare).migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true })).rejects.toMatchObject({
        code: 'BATON_WORKFLOW_VERSION_NOT_LOADED',
      });
      await expect(as('admin').migrate('api-move', { fromVersion: '1', toVersion: '' })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
      const res = await fetch(`${bare.url}/api/workflows/api-move/migrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': token.admin },
        body: JSON.stringify({ fromVersion: '1', toVersion: '2' }),
      });
      expect(res.status).toBe(409);
    });

    it('takes the runs in flight its filter admits, and answers a filter with runIds or a bad filter with 400', async () => {
      const eu = await engine.client.start(approval('1'), undefined, { tags: ['eu'] });
      const us = await engine.client.start(approval('1'), undefined, { tags: ['us'] });
      await waitUntilWaiting(engine, eu.id);
      await waitUntilWaiting(engine, us.id);
      const ids = (result: { moved: { runId: string }[] }): string[] => result.moved.map((m) => m.runId);

      const eus = await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true, filter: { tag: 'eu', status: ['waiting'] } });
      expect(ids(eus)).toEqual([eu.id]);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect(ids(await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true, filter: { createdAfter: future } }))).toEqual([]);
      expect(
        ids(await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2', dryRun: true, filter: { createdBefore: future, limit: 1 } })),
      ).toHaveLength(1);

      const moved = await as('admin').migrate('api-move', { fromVersion: '1', toVersion: '2', filter: { tag: 'us' } });
      expect(ids(moved)).toEqual([us.id]);
      expect((await store.getRun(us.id))!.version).toBe('2');

      for (const bad of [
        { runIds: [eu.id], filter: { tag: 'eu' } },
        { filter: { status: ['completed'] } },
        { filter: { limit: 0 } },
        { filter: { createdAfter: 'yesterday' } },
        { filter: { colour: 'red' } },
      ]) {
        const res = await fetch(`${server.url}/api/workflows/api-move/migrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': token.admin },
          body: JSON.stringify({ fromVersion: '1', toVersion: '2', ...bad }),
        });
        const body = (await res.json()) as { error: { code: string } };
        expect([res.status, body.error.code], JSON.stringify(bad)).toEqual([400, expect.stringMatching(/^BATON_INVALID_/)]);
      }
      expect((await store.getRun(eu.id))!.version).toBe('1');
    });
  });
}

async function waitUntilWaiting(engine: Engine, runId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await engine.client.get(runId))?.status !== 'waiting') {
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach waiting`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
