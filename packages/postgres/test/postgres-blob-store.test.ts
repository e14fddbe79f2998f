import { describe } from 'vitest';
import { PostgresBlobStore, PostgresStore } from '@baton/postgres';
import { blobPayloadsSuite, blobStoreSuite } from '@baton/testkit/conformance';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

describe.runIf(runPostgresTests('the PostgreSQL blob store tests'))('PostgreSQL blob store', () => {
  // A small chunk size, so blobs of a few MiB span many chunk rows.
  blobStoreSuite('postgres', async () => new PostgresBlobStore({ connectionString: POSTGRES_URL, schema: freshSchema(), chunkBytes: 256 * 1024 }));
  // The engine on PostgreSQL with its blobs in the same schema.
  let schema = '';
  blobPayloadsSuite(
    {
      name: 'postgres',
      create: async () => {
        schema = freshSchema();
        const store = new PostgresStore({ connectionString: POSTGRES_URL, schema });
        await store.init();
        return store;
      },
      reopen: async (s) => new PostgresStore({ connectionString: POSTGRES_URL, schema: (s as PostgresStore).schema }),
    },
    {
      create: async () => new PostgresBlobStore({ connectionString: POSTGRES_URL, schema }),
      reopen: async (b) => new PostgresBlobStore((b as PostgresBlobStore).options),
    },
  );
});
