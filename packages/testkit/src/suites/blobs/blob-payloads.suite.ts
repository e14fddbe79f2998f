/**
 * Large payloads through the engine, on a store and a blob store together: values over the blob
 * threshold are journaled as references and read back on replay by a fresh engine; handles
 * (BlobValue) stream lazily; orphaned blobs are collected and live runs' blobs kept.
 */
import { describe, expect, it } from 'vitest';
import { BlobValue, Engine, collectBlobs, defineWorkflow, silentLogger, type BlobStore } from '@baton/core';
import { waitFor, waitForStatus, type StoreFactory } from '../../harness.js';

/** Blob storage for the engine suite: fresh stores, and a new instance on the same storage. */
export interface BlobStorage {
  create(): Promise<BlobStore>;
  reopen(store: BlobStore): Promise<BlobStore>;
}

const THRESHOLD = 64 * 1024;

export function blobPayloadsSuite(factory: StoreFactory, storage: BlobStorage): void {
  describe(`large payloads in a blob store: ${factory.name}`, () => {
    it('journals a large step result as a reference, and a fresh engine replays it from the blob store', async () => {
      let produced = 0;
      const big = 'x'.repeat(300_000);
      const wf = defineWorkflow({ name: 'blob-big-result' }, async (ctx, input: { prefix: string }) => {
        const value = await ctx.step('produce', () => {
          produced++;
          return { text: input.prefix + big, bytes: new Uint8Array(100_000).fill(7) };
        });
        const note = await ctx.waitForSignal<string>('go');
        return { length: value.text.length, bytes: value.bytes.length, sum: value.bytes.reduce((a, b) => a + b, 0), note: note.length };
      });
      const store = await factory.create();
      const blobs = await storage.create();
      const first = new Engine({ store, blobs, blobThresholdBytes: THRESHOLD, workflows: [wf], logger: silentLogger, pollIntervalMs: 50 });
      await first.start();
      const handle = await first.client.start(wf, { prefix: 'p'.repeat(THRESHOLD) });
      await waitForStatus(first, handle.id, 'waiting');
      // The input and the step result are references in the store, their bytes in the blob store.
      const run = await store.getRun(handle.id);
      expect(run?.input.length).toBeLessThan(200);
      const journal = (await store.getJournal(handle.id)).find((e) => e.name === 'produce');
      expect(journal?.output?.length).toBeLessThan(200);
      const spilled = await blobs.list({});
      expect(spilled.length).toBe(2);
      expect(spilled.every((b) => b.runId === handle.id && b.namespace === 'default')).toBe(true);
      await first.stop({ timeoutMs: 2000 });
      await store.close();
      await blobs.close?.();

      // Another process: a new store handle, blob store and engine on the same storage.
      const store2 = factory.reopen === undefined ? store : await factory.reopen(store);
      const blobs2 = await storage.reopen(blobs);
      const second = new Engine({ store: store2, blobs: blobs2, blobThresholdBytes: THRESHOLD, workflows: [wf], logger: silentLogger, pollIntervalMs: 50 });
      await second.start();
      try {
        await second.client.signal(handle.id, 'go', 'y'.repeat(100_000));
        const result = await second.client.result(handle.id);
        expect(result).toEqual({ length: THRESHOLD + big.length, bytes: 100_000, sum: 700_000, note: 100_000 });
        expect(produced).toBe(1);
        // The signal spilled too, and the run's output; the API view shows references, not the bytes.
        expect((await blobs2.list({})).length).toBeGreaterThanOrEqual(4);
        const info = await second.client.get(handle.id);
        expect(info?.status).toBe('completed');
      } finally {
        await second.stop({ timeoutMs: 2000 });
        await store2.close();
        await blobs2.close?.();
      }
    });

    it('passes blob handles between steps without reading them, and streams them lazily', async () => {
      const store = await factory.create();
      const blobs = await storage.create();
      // Steps write their large results through the engine's blob API.
      const put = (source: AsyncIterable<Uint8Array>): Promise<BlobValue> => engine.blobs.put(source, { contentType: 'text/plain' });
      const wf = defineWorkflow({ name: 'blob-handles' }, async (ctx, input: { file: BlobValue }) => {
        const size = await ctx.step('measure', async () => {
          let n = 0;
          for await (const chunk of input.file.stream()) n += chunk.byteLength;
          return n;
        });
        const upper = await ctx.step('transform', () => put(upperCase(input.file.stream())));
        const text = await ctx.step('read', async () => (await upper.text()).slice(0, 5));
        return { size, upperSize: upper.size, text, isHandle: upper instanceof BlobValue };
      });
      const engine = new Engine({ store, blobs, workflows: [wf], logger: silentLogger, pollIntervalMs: 50 });
      await engine.start();
      try {
        const file = await engine.blobs.put('hello blobs '.repeat(50_000), { contentType: 'text/plain' });
        expect((await blobs.stat(file.id))?.runId).toBeUndefined();
        const handle = await engine.client.start(wf, { file });
        expect(await handle.result()).toEqual({ size: 600_000, upperSize: 600_000, text: 'HELLO', isHandle: true });
        // The upload now belongs to the run; the journal holds handles only.
        expect((await blobs.stat(file.id))?.runId).toBe(handle.id);
        for (const entry of await store.getJournal(handle.id)) expect(entry.output?.length ?? 0).toBeLessThan(500);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
        await blobs.close?.();
      }
    });

    it('collects blobs whose run is gone and old unattached uploads, and keeps the rest', async () => {
      const wf = defineWorkflow({ name: 'blob-retention' }, async (ctx) => ctx.step('big', () => 'z'.repeat(200_000)));
      const store = await factory.create();
      const blobs = await storage.create();
      const engine = new Engine({ store, blobs, blobThresholdBytes: THRESHOLD, workflows: [wf], logger: silentLogger, pollIntervalMs: 50 });
      await engine.start();
      try {
        const handle = await engine.client.start(wf, undefined);
        await handle.result();
        const kept = await blobs.list({});
        expect(kept.length).toBe(2); // the step result and the run output
        const orphan = await blobs.put('from a write whose run was never created', { runId: 'run-never-created' });
        const upload = await blobs.put('an upload nobody used');
        const fresh = await blobs.put('an upload a run is about to use');
        const later = Math.max(orphan.createdAt, upload.createdAt, fresh.createdAt) + 1;
        expect(await collectBlobs({ blobs, store, now: later, graceMs: 0 })).toBe(3);
        expect((await blobs.list({})).map((b) => b.id).sort()).toEqual(kept.map((b) => b.id).sort());
        // Within the grace period nothing is taken.
        await blobs.put('new', { runId: 'run-never-created' });
        expect(await collectBlobs({ blobs, store, now: Date.now(), graceMs: 60_000 })).toBe(0);
        await waitFor(async () => (await blobs.list({})).length === 3);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
        await blobs.close?.();
      }
    });
  });
}

async function* upperCase(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const out = new Uint8Array(chunk.byteLength);
    for (let i = 0; i < chunk.byteLength; i++) {
      const c = chunk[i]!;
      out[i] = c >= 97 && c <= 122 ? c - 32 : c;
    }
    yield out;
  }
}
