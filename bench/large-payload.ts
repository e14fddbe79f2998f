/**
 * A 200 MB input through a 3-step workflow, on SQLite with the disk blob store (or, with `--blobs s3`,
 * an S3-compatible bucket served by s3rver in a child process on loopback), measuring this process's peak RSS: the input is streamed into the blob store (as POST /api/blobs does), the first
 * step hashes it, the second writes a transformed copy as a new blob, the third hashes that copy.
 * Every step streams: the bytes never sit in memory whole, and the journal holds handles only.
 *
 *   npm run bench:large-payload                     (BATON_BENCH_MB=200 by default)
 *   npm run bench:large-payload -- --blobs s3
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DiskBlobStore, Engine, defineWorkflow, silentLogger, type BlobStore, type BlobValue } from '@baton/core';
import { S3BlobStore } from '@baton/s3';
import { SqliteStore } from '@baton/sqlite';
import { startS3Server, type S3TestServer } from '../packages/s3/test/s3-server.js';

const { values: args } = parseArgs({ options: { blobs: { type: 'string', default: 'disk' } } });
if (args.blobs !== 'disk' && args.blobs !== 's3') throw new Error(`--blobs is disk or s3, not ${args.blobs}`);

const megabytes = Number(process.env.BATON_BENCH_MB ?? 200);
const total = megabytes * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'baton-bench-large-'));

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

async function* generated(): AsyncGenerator<Uint8Array> {
  const chunk = 1024 * 1024;
  for (let sent = 0; sent < total; sent += chunk) {
    const bytes = new Uint8Array(Math.min(chunk, total - sent));
    for (let i = 0; i < bytes.length; i += 64) bytes[i] = (sent + i) % 251;
    yield bytes;
  }
}

async function hashOf(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('hex');
}

async function* inverted(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const out = new Uint8Array(chunk.byteLength);
    for (let i = 0; i < chunk.byteLength; i++) out[i] = 255 - chunk[i]!;
    yield out;
  }
}

const store = new SqliteStore({ path: join(dir, 'baton.db') });
const s3: S3TestServer | undefined = args.blobs === 's3' ? await startS3Server('baton-bench') : undefined;
const blobs: BlobStore = s3 === undefined ? new DiskBlobStore({ dir: join(dir, 'blobs') }) : new S3BlobStore({ ...s3.options, prefix: 'bench' });
// Steps write their blob through the engine, made below with this workflow.
const holder: { engine?: Engine } = {};
const pipeline = defineWorkflow({ name: 'large-payload-pipeline' }, async (ctx, input: { file: BlobValue }) => {
  const original = await ctx.step('hash', () => hashOf(input.file.stream()));
  const copy = await ctx.step('transform', () => holder.engine!.blobs.put(inverted(input.file.stream()), { contentType: 'application/octet-stream' }));
  const transformed = await ctx.step('hash-copy', () => hashOf(copy.stream()));
  return { original, transformed, size: copy.size };
});
const engine = new Engine({ store, blobs, workflows: [pipeline], logger: silentLogger });
holder.engine = engine;
await engine.start();
const baseline = process.memoryUsage().rss;
const started = performance.now();
const file = await engine.blobs.put(generated(), { contentType: 'application/octet-stream' });
const uploaded = performance.now();
const result = await engine.client.start(pipeline, { file }).then((h) => h.result());
const finished = performance.now();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await engine.stop();
await store.close();
await blobs.close?.();
await s3?.close();
rmSync(dir, { recursive: true, force: true });

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
console.log(
  `large payload: ${megabytes} MB input, 3 steps (hash, transform to a new blob, hash), SQLite + ${s3 === undefined ? 'disk blob store' : 'S3 blob store (s3rver on loopback, in another process)'}`,
);
console.log(`  upload into the blob store  ${((uploaded - started) / 1000).toFixed(1)} s`);
console.log(`  workflow                    ${((finished - uploaded) / 1000).toFixed(1)} s (result size ${mb(result.size)})`);
console.log(`  RSS before                  ${mb(baseline)}`);
console.log(`  peak RSS                    ${mb(peak)} (limit 300 MB: ${peak < 300 * 1024 * 1024 ? 'within' : 'OVER'})`);
if (peak >= 300 * 1024 * 1024) process.exitCode = 1;
