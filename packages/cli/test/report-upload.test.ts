/**
 * uploadReplayReport against a real server on loopback (SQLite file): results made by `replayRun`
 * over real runs are kept; a check too large for one report goes as several of the same candidate,
 * with texts longer than the server keeps shortened; a key that may not report gets the server's code.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, REPLAY_TEXT_LIMITS, defineWorkflow, newApiKey, replayRun, silentLogger, type ReplayResult } from '@baton/core';
import { startApiServer } from '@baton/server';
import { SqliteStore } from '@baton/sqlite';
import { uploadReplayReport } from '../src/replay/report-upload.js';
import { tempDir, waitFor } from './helpers.js';

const greet = defineWorkflow({ name: 'greet' }, async (ctx, input: { name: string }) => {
  const text = await ctx.step('compose', () => `hello ${input.name}`);
  await ctx.sleep('1 day');
  return text;
});
const changed = defineWorkflow({ name: 'greet' }, async (ctx, input: { name: string }) => {
  await ctx.step('lookup', () => input.name);
  return ctx.step('compose', () => `hello ${input.name}`);
});

const dir = tempDir();
const store = new SqliteStore({ path: join(dir, 'upload.db') });
const engine = new Engine({ store, workflows: [greet], logger: silentLogger, pollIntervalMs: 20 });
let server: Awaited<ReturnType<typeof startApiServer>>;
const keys: Record<string, string> = {};
const runIds: string[] = [];

beforeAll(async () => {
  await engine.start();
  for (const role of ['operator', 'viewer'] as const) {
    const key = newApiKey({ name: role, role }, Date.now());
    await store.createApiKey(key.record);
    keys[role] = key.token;
  }
  server = await startApiServer({ client: engine.client, store, host: '127.0.0.1', port: 0 });
  for (let i = 0; i < 6; i++) runIds.push((await engine.client.start(greet, { name: `n${i}` })).id);
  for (const id of runIds) await waitFor(async () => (await store.getRun(id))?.status === 'waiting', { timeoutMs: 30_000 });
});

afterAll(async () => {
  await server?.close();
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function results(workflow: typeof greet): Promise<ReplayResult[]> {
  return Promise.all(runIds.map(async (id) => replayRun(workflow, { run: (await store.getRun(id))!, journal: await store.getJournal(id) })));
}

describe('uploadReplayReport', () => {
  it('sends real results as one report, kept by the server', async () => {
    const upload = await uploadReplayReport({ url: server.url, key: keys.operator!, candidate: 'build-7', results: await results(greet) });
    expect(upload.checks).toHaveLength(1);
    expect(upload.summary).toEqual({ runs: 6, ok: 6, diverged: 0 });
    const kept = await store.getReplayCheck(upload.checks[0]!.id);
    expect(kept).toMatchObject({ candidate: 'build-7', summary: { runs: 6, ok: 6, diverged: 0 } });
    expect(kept!.results.map((r) => r.runId)).toEqual(runIds);
  });

  it('splits a check over the report size into several reports, shortening texts the server would refuse', async () => {
    const diverged = await results(changed);
    expect(diverged.every((r) => !r.ok)).toBe(true);
    const long = diverged.map((r) => (r.ok ? r : { ...r, divergence: { ...r.divergence, message: `${r.divergence.message} ${'x'.repeat(10_000)}` } }));
    const upload = await uploadReplayReport({ url: server.url, key: keys.operator!, candidate: 'c'.repeat(300), results: long, maxReportBytes: 12_000 });
    expect(upload.checks.length).toBeGreaterThan(1);
    expect(upload.summary).toEqual({ runs: 6, ok: 0, diverged: 6 });
    const first = (await store.getReplayCheck(upload.checks[0]!.id))!;
    expect(first.candidate).toHaveLength(REPLAY_TEXT_LIMITS.candidate);
    const result = first.results[0]!;
    if (result.ok) throw new Error('expected a divergence');
    expect(result.divergence.message).toHaveLength(REPLAY_TEXT_LIMITS.message);
    expect(result.divergence.message.endsWith('…')).toBe(true);
    expect(result.divergence).toMatchObject({ seq: 1, journaled: "step 'compose'", requested: "step 'lookup'" });
    const latest = await store.listReplays(runIds[5]!);
    expect(latest[0]!.check.id).toBe(upload.checks.at(-1)!.id);
  });

  it("throws the server's refusal with its code", async () => {
    await expect(uploadReplayReport({ url: server.url, key: keys.viewer!, candidate: 'x', results: await results(greet) })).rejects.toMatchObject({
      code: 'BATON_FORBIDDEN',
    });
    await expect(
      uploadReplayReport({ url: server.url, key: keys.operator!, candidate: 'x', results: [{ ...(await results(greet))[0]!, runId: 'gone' }] }),
    ).rejects.toMatchObject({
      code: 'BATON_RUN_NOT_FOUND',
    });
  });
});
