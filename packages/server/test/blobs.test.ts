/**
 * Large payloads over the API, on real HTTP: a streamed upload past the body limit, its preview and
 * download, a run started with it as input, a spilled output shown as a reference, and namespaces
 * enforced on every one of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskBlobStore, Engine, defineWorkflow, newApiKey, silentLogger, type BlobValue } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer } from '@baton/server';

const dir = mkdtempSync(join(tmpdir(), 'baton-api-blobs-'));
let store: SqliteStore;
let engine: Engine;
let server: ApiServer;
const keys = { a: '', b: '' };

const measure = defineWorkflow({ name: 'measure-upload' }, async (ctx, input: { file: BlobValue }) => {
  const size = await ctx.step('count', async () => {
    let n = 0;
    for await (const chunk of input.file.stream()) n += chunk.byteLength;
    return n;
  });
  // An output over the blob threshold: journaled as a reference.
  return { size, echo: 'e'.repeat(400_000) };
});

beforeAll(async () => {
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  const blobs = new DiskBlobStore({ dir: join(dir, 'blobs') });
  engine = new Engine({ store, blobs, workflows: [measure], logger: silentLogger, pollIntervalMs: 50 });
  await engine.start();
  for (const ns of ['a', 'b'] as const) {
    const key = newApiKey({ name: `operator ${ns}`, role: 'operator', namespace: ns }, Date.now());
    await store.createApiKey(key.record);
    keys[ns] = key.token;
  }
  server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, blobs, onError: () => {} });
});

afterAll(async () => {
  await server.close();
  await engine.stop({ timeoutMs: 2000 });
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function bytes(total: number): Uint8Array {
  const out = new Uint8Array(total);
  for (let i = 0; i < total; i++) out[i] = (i * 7) % 256;
  return out;
}

/** A request body sent as a stream of 64 KiB chunks (chunked transfer, no length known up front). */
function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.byteLength) return controller.close();
      controller.enqueue(data.subarray(at, at + 65_536));
      at += 65_536;
    },
  });
}

describe('blobs over the API', () => {
  it('streams an upload past the body limit into the blob store and serves its preview and bytes in its namespace only', async () => {
    const data = bytes(3 * 1024 * 1024);
    const upload = await fetch(`${server.url}/api/blobs`, {
      method: 'POST',
      headers: { 'x-api-key': keys.a, 'content-type': 'application/octet-stream' },
      body: streamOf(data),
      duplex: 'half',
    } as RequestInit);
    expect(upload.status).toBe(201);
    const blob = (await upload.json()) as { id: string; size: number; namespace: string; reference: unknown; download: string };
    expect(blob).toMatchObject({ size: data.byteLength, namespace: 'a', download: `/api/blobs/${blob.id}` });

    const preview = await fetch(`${server.url}/api/blobs/${blob.id}/preview`, { headers: { 'x-api-key': keys.a } });
    expect(preview.status).toBe(200);
    const shown = (await preview.json()) as { preview: string; previewEncoding: string; truncated: boolean };
    expect(shown.previewEncoding).toBe('base64');
    expect(shown.truncated).toBe(true);
    expect(Buffer.from(shown.preview, 'base64').equals(Buffer.from(data.subarray(0, 1024)))).toBe(true);

    const download = await fetch(`${server.url}/api/blobs/${blob.id}`, { headers: { 'x-api-key': keys.a } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(data.byteLength));
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(data))).toBe(true);

    // Another namespace's key is told there is no such blob, for reads and for runs alike.
    for (const path of [`/api/blobs/${blob.id}`, `/api/blobs/${blob.id}/preview`]) {
      const refused = await fetch(`${server.url}${path}`, { headers: { 'x-api-key': keys.b } });
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('BATON_BLOB_NOT_FOUND');
    }
    const stolen = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'x-api-key': keys.b, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'measure-upload', input: { file: blob.reference } }),
    });
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe('BATON_BLOB_NOT_FOUND');

    // Its own namespace starts a run with it: the workflow streams it; the large output is a reference.
    const started = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'x-api-key': keys.a, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'measure-upload', input: { file: blob.reference } }),
    });
    expect(started.status).toBe(201);
    const {
      run: { id },
    } = (await started.json()) as { run: { id: string } };
    expect(((await engine.client.result(id)) as { size: number }).size).toBe(data.byteLength);
    const { run } = (await (await fetch(`${server.url}/api/runs/${id}`, { headers: { 'x-api-key': keys.a } })).json()) as {
      run: { input: { file: unknown }; output: { $blob: { id: string; size: number } } };
    };
    expect(run.input.file).toEqual(blob.reference);
    expect(run.output.$blob.size).toBeGreaterThan(400_000);
    const output = await fetch(`${server.url}/api/blobs/${run.output.$blob.id}`, { headers: { 'x-api-key': keys.a } });
    expect(output.status).toBe(200);
    expect(JSON.parse(await output.text())).toMatchObject({ size: data.byteLength });
    expect((await fetch(`${server.url}/api/blobs/${run.output.$blob.id}`, { headers: { 'x-api-key': keys.b } })).status).toBe(404);
  });

  it('refuses an upload over the limit and a malformed id with stable codes', async () => {
    const small = await startApiServer({
      client: engine.client,
      store,
      blobs: new DiskBlobStore({ dir: join(dir, 'small') }),
      maxBlobBytes: 1000,
      onError: () => {},
    });
    try {
      const over = await fetch(`${small.url}/api/blobs`, { method: 'POST', headers: { 'x-api-key': keys.a }, body: bytes(5000) });
      expect(over.status).toBe(413);
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe('BATON_PAYLOAD_TOO_LARGE');
      const bad = await fetch(`${small.url}/api/blobs/..%2Fetc/preview`, { headers: { 'x-api-key': keys.a } });
      expect(bad.status).toBe(400);
    } finally {
      await small.close();
    }
  });
});
