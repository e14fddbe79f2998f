/**
 * `--blobs SPEC` on baton dev, start and worker (and $BATON_BLOBS): payloads over the threshold go to
 * the named store, here an S3-compatible bucket served on loopback; a spec that names no store, or a
 * bucket that does not answer, stops the start with BATON_INVALID_BLOB_STORE before any work.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client, PayloadCodec } from '@baton/core';
import { S3BlobStore } from '@baton/s3';
import { SqliteStore } from '@baton/sqlite';
import { startS3Server, type S3TestServer } from '../../s3/test/s3-server.js';
import { WORKFLOWS, batonInProcess, tempDir, waitFor } from './helpers.js';

const dir = tempDir();
let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server('baton-cli');
});
afterAll(async () => {
  await s3.close();
});

describe('baton --blobs', () => {
  it('refuses specs that name no blob store, and a bucket that does not answer, at start', async () => {
    const db = join(dir, 'refused.db');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['worker', '--workflows', WORKFLOWS, '--db', db, '--blobs', 'ftp://host/blobs'],
        {},
        /--blobs 'ftp:\/\/host\/blobs': there is no blob store of kind 'ftp'/,
      ],
      [['worker', '--workflows', WORKFLOWS, '--db', db, '--blobs', 's3://Not_A_Bucket/x'], {}, /is not a bucket name/],
      [['worker', '--workflows', WORKFLOWS, '--db', db, '--blobs', 's3://bucket?endpoint=localhost:9000'], {}, /endpoint must be http: or https:/],
      [['dev', '--workflows', WORKFLOWS, '--db', db, '--port', '0', '--blobs', 'postgres'], {}, /this database is a SQLite file/],
      [['start', '--db', db, '--port', '0', '--blobs', 'disk:'], {}, /disk: needs a folder/],
      [['mcp', '--workflows', WORKFLOWS, '--db', db, '--blobs', 'disk:'], {}, /disk: needs a folder/],
      [['mcp', '--workflows', WORKFLOWS, '--db', db, '--no-worker', '--blobs', 'ftp://host/blobs'], {}, /there is no blob store of kind 'ftp'/],
      [['worker', '--workflows', WORKFLOWS, '--db', db], { BATON_BLOBS: 's3://bucket?pathStyle=1' }, /\$BATON_BLOBS: .*unknown parameter 'pathStyle'/],
      [
        ['worker', '--workflows', WORKFLOWS, '--db', db, '--blobs', `s3://no-such-bucket?endpoint=${s3.endpoint}`],
        s3.env,
        /bucket 'no-such-bucket' cannot be used: there is no such bucket/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await batonInProcess(args, { env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('(BATON_INVALID_BLOB_STORE)');
      expect(result.stdout).not.toContain('Blob store:');
    }
  }, 60_000);

  it('keeps large payloads in the bucket a worker is given', async () => {
    const db = join(dir, 'baton.db');
    const spec = `s3://baton-cli/team-a?endpoint=${encodeURIComponent(s3.endpoint)}`;
    const env = { ...s3.env, BATON_BLOB_THRESHOLD: '4096' };
    const store = new SqliteStore({ path: db });
    await store.init();
    const worker = batonInProcess(['worker', '--workflows', WORKFLOWS, '--db', db, '--blobs', spec], { env });
    let ended: Awaited<typeof worker> | undefined;
    void worker.then((r) => (ended = r));
    const blobs = new S3BlobStore({ ...s3.options, bucket: 'baton-cli', prefix: 'team-a' });
    const client = new Client({ store, codec: new PayloadCodec({ blobs, blobThresholdBytes: 4096 }) });
    try {
      await waitFor(async () => ended !== undefined || (await store.listWorkflowCatalog()).some((w) => w.name === 'greet'), { timeoutMs: 25_000 });
      expect(ended?.stderr).toBeUndefined();
      const name = 'n'.repeat(20_000);
      const handle = await client.start('greet', { name, times: 1 });
      await waitFor(async () => (await store.getRun(handle.id))?.status === 'completed', { timeoutMs: 25_000 });
      // The input is a reference in the database, its bytes in the bucket under the prefix.
      expect((await store.getRun(handle.id))?.input.length).toBeLessThan(300);
      const listed = await blobs.list();
      expect(listed.some((b) => b.runId === handle.id)).toBe(true);
      const s3client = new S3Client({ ...s3.options });
      const objects = await s3client.send(new ListObjectsV2Command({ Bucket: 'baton-cli', Prefix: 'team-a/data/' }));
      s3client.destroy();
      expect(objects.KeyCount).toBeGreaterThan(0);
      process.emit('SIGTERM', 'SIGTERM');
      const result = await worker;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Blob store: s3://baton-cli/team-a at ${s3.endpoint}`);
    } finally {
      client.close();
      await blobs.close();
      await store.close();
    }
  }, 60_000);
});
