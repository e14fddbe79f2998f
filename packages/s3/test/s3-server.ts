/**
 * An S3-compatible server on loopback for the tests: s3rver in a child process (so its memory is not
 * the tested process's), files in a temporary folder, a bucket made; and the options an S3BlobStore
 * needs to reach it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** Where the server keeps its objects. */
  directory: string;
  options: { bucket: string; endpoint: string; region: string; forcePathStyle: boolean; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The environment a `baton` process needs to reach it (credentials as the AWS SDK reads them). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const S3_SERVER_MAIN = join(import.meta.dirname, 's3-server-main.mjs');

export async function startS3Server(bucket = 'baton-test'): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'baton-s3-'));
  // s3rver's listing continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', S3_SERVER_MAIN, directory, bucket], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the S3 test server exited (${code}) before it listened`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts these fixed credentials.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    bucket,
    directory,
    options: { bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials },
    env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: 'us-east-1' },
    async close() {
      child.stdin.end();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
