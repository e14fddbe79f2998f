/**
 * GET /api/runs/{id}/history on both stores: the run and journal exactly as stored, as a replay file
 * that parses and replays; 404 BATON_RUN_NOT_FOUND for an unknown run and for another namespace's run;
 * a viewer may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, parseReplayFile, replayInputOf, replayRun, silentLogger, type Store } from '@baton/core';
import { createApp } from '@baton/server';
import { testStores } from './test-stores.js';

const approval = defineWorkflow({ name: 'history-approval' }, async (ctx, input: { amount: number }) => {
  await ctx.step('extract', () => ({ amount: input.amount, at: new Date(Date.UTC(2030, 0, 1)) }));
  return ctx.waitForSignal<{ ok: boolean }>('decision');
});

for (const stores of testStores('the run history route')) {
  describe(`GET /api/runs/{id}/history on ${stores.name}`, { timeout: 60_000 }, () => {
    let store: Store;
    let engine: Engine;
    let app: ReturnType<typeof createApp>;
    const keys = { viewer: '', other: '' };

    beforeAll(async () => {
      store = stores.create();
      engine = new Engine({ store, workflows: [approval], logger: silentLogger, pollIntervalMs: 20 });
      await engine.start();
      const viewer = newApiKey({ name: 'viewer', role: 'viewer' }, Date.now());
      const other = newApiKey({ name: 'other', role: 'viewer', namespace: 'elsewhere' }, Date.now());
      await store.createApiKey(viewer.record);
      await store.createApiKey(other.record);
      keys.viewer = viewer.token;
      keys.other = other.token;
      app = createApp({ client: engine.client, store, workflows: engine.workflows });
    });

    afterAll(async () => {
      await engine.stop();
      await store.close();
    });

    const get = async (path: string, key: string) => {
      const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('answers the run as stored, as a replay file that replays', async () => {
      const handle = await engine.client.start(approval, { amount: 7 });
      for (let i = 0; (await engine.client.get(handle.id))?.status !== 'waiting'; i++) {
        if (i > 2000) throw new Error('the run never waited');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const { status, body } = await get(`/api/runs/${handle.id}/history`, keys.viewer);
      expect(status).toBe(200);
      const file = parseReplayFile(JSON.stringify(body), 'the answer');
      const stored = await store.getRun(handle.id);
      expect(file.run).toMatchObject({ id: handle.id, input: stored!.input, version: '1', status: 'waiting', waits: stored!.waits });
      expect(file.run).not.toHaveProperty('leaseOwner');
      expect(file.journal).toEqual((await store.getJournal(handle.id)).map(({ runId: _runId, ...entry }) => entry));
      expect(await replayRun(approval, replayInputOf(file))).toMatchObject({ ok: true, ended: 'frontier', positions: 2 });

      const hidden = await get(`/api/runs/${handle.id}/history`, keys.other);
      expect(hidden).toMatchObject({ status: 404, body: { error: { code: 'BATON_RUN_NOT_FOUND' } } });
    });

    it('answers 404 BATON_RUN_NOT_FOUND for an unknown run', async () => {
      expect(await get('/api/runs/no-such-run/history', keys.viewer)).toMatchObject({ status: 404, body: { error: { code: 'BATON_RUN_NOT_FOUND' } } });
    });
  });
}
