// The S3 store's own guarantees beyond the conformance suite: large blobs stream both ways through
// multipart uploads with bounded memory, a failed multipart upload leaves no object, leftovers of an
// interrupted write are removed, and deleting leaves nothing of a blob in the bucket.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '@baton/s3';
import { startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
let client: S3Client;
beforeAll(async () => {
  server = await startS3Server();
  client = new S3Client({ ...server.options, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

async function* pattern(total: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  const chunk = 1024 * 1024;
  for (let sent = 0; sent < total; sent += chunk) {
    if (failAfter !== undefined && sent >= failAfter) throw new Error('the source broke off');
    const bytes = new Uint8Array(Math.min(chunk, total - sent));
    for (let i = 0; i < bytes.length; i += 97) bytes[i] = (sent + i) % 251;
    yield bytes;
  }
}

async function digest(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('hex');
}

describe('S3 blob store: streaming, leftovers, deletes', () => {
  it('streams 100 MB in through a multipart upload and out again, with memory growth well under the size', async () => {
    const store = new S3BlobStore({ ...server.options, prefix: 'large', partBytes: 5 * 1024 * 1024, partsInFlight: 2 });
    const total = 100 * 1024 * 1024;
    const expected = await digest(pattern(total));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const info = await store.put(pattern(total), { runId: 'big-run' });
      expect(info.size).toBe(total);
      let chunks = 0;
      const hash = createHash('sha256');
      for await (const chunk of store.read(info.id)) {
        chunks++;
        hash.update(chunk);
      }
      expect(hash.digest('hex')).toBe(expected);
      expect(chunks).toBeGreaterThan(20);
      // One object of the whole size: the parts were put together by the server.
      const data = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'large/data/' }));
      expect(data.Contents?.map((o) => o.Size)).toEqual([total]);
    } finally {
      clearInterval(sampler);
      await store.close();
    }
    const growth = peak - before;
    console.log(`S3 blob store: 100 MB written and read back, RSS growth ${(growth / 1024 / 1024).toFixed(1)} MB`);
    // Parts in flight (3 × 5 MiB), the SDK's buffers and garbage not yet collected (RSS measured 26 to
    // 60 MB here): under the 100 MB that one buffered copy of the value alone would add.
    expect(growth).toBeLessThan(90 * 1024 * 1024);
  }, 120_000);

  it('leaves no object behind when a multipart upload fails part-way', async () => {
    const store = new S3BlobStore({ ...server.options, prefix: 'failed', partBytes: 5 * 1024 * 1024 });
    await expect(store.put(pattern(30 * 1024 * 1024, 12 * 1024 * 1024), { id: 'half', runId: 'r' })).rejects.toThrow('broke off');
    expect(await store.stat('half')).toBeUndefined();
    expect(await keysUnder('failed/')).toEqual([]);
    await store.close();
  });

  it('removes what an interrupted write left once it is old, and keeps a write still going on', async () => {
    let now = 1_000_000_000_000;
    const store = new S3BlobStore({ ...server.options, prefix: 'interrupted', now: () => now, abandonedAfterMs: 60_000 });
    // A process died after its creation marker and bytes, before the description.
    const put = (key: string): Promise<unknown> => client.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: 'x' }));
    const marker = (at: number, id: string): string => `interrupted/created/${String(at).padStart(15, '0')}-${id}`;
    await put(marker(now - 120_000, 'dead'));
    await put('interrupted/data/dead');
    await put(marker(now - 1000, 'going'));
    const kept = await store.put('whole', { id: 'whole' });
    now += 10;
    expect((await store.list()).map((b) => b.id)).toEqual([kept.id]);
    expect(await keysUnder('interrupted/')).toEqual([
      marker(now - 1010, 'going'),
      marker(now - 10, 'whole'),
      'interrupted/data/whole',
      'interrupted/meta/whole.json',
    ]);
    await store.close();
  });

  it('deletes every object of a blob, by id and by run, and lists by age across pages', async () => {
    let now = 2_000_000_000_000;
    const store = new S3BlobStore({ ...server.options, prefix: 'deletes', now: () => now++ });
    const a = await store.put('a', { runId: 'run/1' });
    const b = await store.put('b');
    await store.attach([b.id], 'run/1');
    await store.attach([b.id], 'run 2');
    const c = await store.put('c', { runId: 'run/1' });
    expect((await store.list({ createdBefore: c.createdAt })).map((x) => x.id)).toEqual([a.id, b.id]);
    expect((await store.list({ limit: 1 })).map((x) => x.id)).toEqual([a.id]);
    expect(await store.deleteForRuns(['run/1'])).toBe(2);
    expect(await store.stat(b.id)).toMatchObject({ runId: 'run 2' });
    expect(await store.delete([b.id])).toBe(1);
    expect(await keysUnder('deletes/')).toEqual([]);
    // More blobs than one listing page returns.
    const many = new S3BlobStore({ ...server.options, prefix: 'pages', now: () => now++ });
    for (let i = 0; i < 1005; i += 67)
      await Promise.all(Array.from({ length: Math.min(67, 1005 - i) }, (_, j) => many.put(String(i + j), { id: `b${String(i + j).padStart(4, '0')}` })));
    const listed = await many.list();
    expect(listed.length).toBe(1005);
    expect(await many.delete(listed.map((x) => x.id))).toBe(1005);
    await store.close();
    await many.close();
  }, 120_000);
});
