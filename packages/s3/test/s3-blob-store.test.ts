import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@baton/sqlite';
import { S3BlobStore } from '@baton/s3';
import { blobPayloadsSuite, blobStoreSuite } from '@baton/testkit/conformance';
import { ErrorCode, hasErrorCode } from '@baton/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
let n = 0;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server.close();
});

// Each store under a prefix of its own, so the suites' stores do not see each other's blobs.
const fresh = (): S3BlobStore => new S3BlobStore({ ...server.options, prefix: `t${++n}`, partBytes: 5 * 1024 * 1024 });

describe('S3 blob store', () => {
  blobStoreSuite('s3', async () => fresh());
  blobPayloadsSuite(
    {
      name: 'sqlite with s3 blobs',
      create: async () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'baton-s3-run-')), 'baton.db') }),
      reopen: async (s) => new SqliteStore({ path: (s as SqliteStore).path }),
    },
    { create: async () => fresh(), reopen: async (b) => new S3BlobStore((b as S3BlobStore).options) },
  );

  it('answers check() for a bucket that exists, and says why for one that does not', async () => {
    await fresh().check();
    const missing = await new S3BlobStore({ ...server.options, bucket: 'no-such-bucket' }).check().catch((e: unknown) => e);
    expect(hasErrorCode(missing, ErrorCode.InvalidBlobStore)).toBe(true);
    expect(String(missing)).toMatch(/no such bucket/);
  });
});
