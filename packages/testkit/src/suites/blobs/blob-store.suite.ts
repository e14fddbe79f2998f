/**
 * The BlobStore conformance suite: what every blob store (disk, PostgreSQL, S3-compatible) keeps.
 * Writes are atomic (a failed stream leaves nothing), reads stream, ids are immutable, and blobs go
 * with their runs.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, hasErrorCode, type BlobStore } from '@baton/core';

export type BlobStoreFactory = () => Promise<BlobStore>;

async function readAll(store: BlobStore, id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.read(id)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* generated(total: number, chunk: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  let sent = 0;
  let n = 0;
  while (sent < total) {
    if (failAfter !== undefined && sent >= failAfter) throw new Error('the upload broke off');
    const size = Math.min(chunk, total - sent);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (n + i) % 251;
    n += size;
    sent += size;
    yield bytes;
  }
}

function expected(total: number): Buffer {
  const out = Buffer.alloc(total);
  for (let i = 0; i < total; i++) out[i] = i % 251;
  return out;
}

export function blobStoreSuite(name: string, factory: BlobStoreFactory): void {
  describe(`BlobStore conformance: ${name}`, () => {
    it('writes bytes, text and streams, and reads them back in chunks', async () => {
      const store = await factory();
      const a = await store.put(new Uint8Array([1, 2, 3]), { contentType: 'application/x-test', namespace: 'ns1', runId: 'r1' });
      expect(a).toMatchObject({ size: 3, contentType: 'application/x-test', namespace: 'ns1', runId: 'r1' });
      expect([...(await readAll(store, a.id))]).toEqual([1, 2, 3]);
      const t = await store.put('héllo', { id: 'text-1' });
      expect(t).toMatchObject({ id: 'text-1', size: 6, contentType: 'application/octet-stream', namespace: 'default' });
      expect((await readAll(store, 'text-1')).toString('utf8')).toBe('héllo');
      // Larger than any implementation's chunk: 5 MiB in uneven pieces.
      const total = 5 * 1024 * 1024 + 17;
      const big = await store.put(generated(total, 300_001));
      expect(big.size).toBe(total);
      let chunks = 0;
      const got: Buffer[] = [];
      for await (const c of store.read(big.id)) {
        chunks++;
        got.push(Buffer.from(c));
      }
      expect(chunks).toBeGreaterThan(1);
      expect(Buffer.concat(got).equals(expected(total))).toBe(true);
      expect(await store.stat(big.id)).toMatchObject({ id: big.id, size: total });
      const empty = await store.put(new Uint8Array(0));
      expect((await readAll(store, empty.id)).length).toBe(0);
      await store.close?.();
    });

    it('leaves nothing behind when a stream fails or is over the limit', async () => {
      const store = await factory();
      await expect(store.put(generated(3 * 1024 * 1024, 65_536, 2 * 1024 * 1024), { id: 'broken' })).rejects.toThrow('broke off');
      expect(await store.stat('broken')).toBeUndefined();
      const over = await store.put(generated(1000, 100), { id: 'limited', maxBytes: 500 }).catch((e: unknown) => e);
      expect(hasErrorCode(over, ErrorCode.PayloadTooLarge)).toBe(true);
      expect(await store.stat('limited')).toBeUndefined();
      expect((await store.list()).map((b) => b.id)).not.toContain('broken');
      await store.close?.();
    });

    it('refuses a taken id, bad ids and reads of missing blobs', async () => {
      const store = await factory();
      await store.put('one', { id: 'fixed' });
      await expect(store.put('two', { id: 'fixed' })).rejects.toThrow(/exists already/);
      expect((await readAll(store, 'fixed')).toString()).toBe('one');
      const bad = await store.put('x', { id: '../escape' }).catch((e: unknown) => e);
      expect(hasErrorCode(bad, ErrorCode.InvalidArgument)).toBe(true);
      const missing = await readAll(store, 'nothing-here').catch((e: unknown) => e);
      expect(hasErrorCode(missing, ErrorCode.BlobNotFound)).toBe(true);
      expect(await store.stat('nothing-here')).toBeUndefined();
      await store.close?.();
    });

    it('attaches uploads to runs, deletes by run and by id, and lists for collectors', async () => {
      const store = await factory();
      const upload = await store.put('input', { namespace: 'ns2' });
      const other = await store.put('other run', { runId: 'run-b' });
      const spilled = await store.put('result', { runId: 'run-a' });
      expect((await store.list({ unattached: true })).map((b) => b.id)).toEqual([upload.id]);
      await store.attach([upload.id], 'run-a');
      expect(await store.stat(upload.id)).toMatchObject({ runId: 'run-a', namespace: 'ns2' });
      expect(await store.list({ unattached: true })).toEqual([]);
      expect(await store.deleteForRuns(['run-a', 'run-none'])).toBe(2);
      expect(await store.stat(upload.id)).toBeUndefined();
      expect(await store.stat(spilled.id)).toBeUndefined();
      expect(await store.stat(other.id)).toBeDefined();
      const listed = await store.list({ createdBefore: Date.now() + 60_000 });
      expect(listed.map((b) => b.id)).toEqual([other.id]);
      expect(await store.list({ createdBefore: 0 })).toEqual([]);
      expect(await store.delete([other.id, 'nothing-here'])).toBe(1);
      expect(await store.list()).toEqual([]);
      await store.close?.();
    });
  });
}
