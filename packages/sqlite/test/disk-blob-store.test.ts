import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DiskBlobStore } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { blobPayloadsSuite, blobStoreSuite } from '@baton/testkit/conformance';

const root = mkdtempSync(join(tmpdir(), 'baton-blobs-'));
let n = 0;

blobStoreSuite('disk', async () => new DiskBlobStore({ dir: join(root, `store-${++n}`) }));

it('a disk blob store clears what an interrupted write left when it opens', async () => {
  const dir = join(root, 'interrupted');
  const first = new DiskBlobStore({ dir });
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(1000);
    throw new Error('the process died here');
  }
  await expect(first.put(broken(), { id: 'half' })).rejects.toThrow('died');
  expect(readdirSync(dir).filter((f) => f !== '.tmp')).toEqual([]);
  await first.put('kept', { id: 'kept' });
  const again = new DiskBlobStore({ dir });
  expect(await again.stat('kept')).toMatchObject({ size: 4 });
  expect(readdirSync(join(dir, '.tmp'))).toEqual([]);
});

let stores = 0;
blobPayloadsSuite(
  {
    name: 'sqlite',
    create: async () => new SqliteStore({ path: join(root, `engine-${++stores}.db`) }),
    reopen: async (s) => new SqliteStore({ path: (s as SqliteStore).path }),
  },
  {
    create: async () => new DiskBlobStore({ dir: join(root, `engine-blobs-${++stores}`) }),
    reopen: async (b) => new DiskBlobStore({ dir: (b as DiskBlobStore).dir }),
  },
);
