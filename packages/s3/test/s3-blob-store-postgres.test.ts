// Large payloads of an engine on PostgreSQL with its blobs in an S3-compatible bucket: references in
// the journal, bytes in the bucket, replay by a fresh engine and collection of orphans.
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStore } from '@baton/postgres';
import { S3BlobStore } from '@baton/s3';
import { blobPayloadsSuite } from '@baton/testkit/conformance';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';
import { startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
let n = 0;

describe.runIf(runPostgresTests('the S3 blob store on PostgreSQL'))('S3 blob store with a PostgreSQL run store', () => {
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.close();
  });
  blobPayloadsSuite(
    {
      name: 'postgres with s3 blobs',
      create: async () => {
        const store = new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema() });
        await store.init();
        return store;
      },
      reopen: async (s) => new PostgresStore({ connectionString: POSTGRES_URL, schema: (s as PostgresStore).schema }),
    },
    { create: async () => new S3BlobStore({ ...server.options, prefix: `pg${++n}` }), reopen: async (b) => new S3BlobStore((b as S3BlobStore).options) },
  );
});
