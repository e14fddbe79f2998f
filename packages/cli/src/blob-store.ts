/**
 * The blob store of an engine or API process (large payloads, uploads), chosen by `--blobs SPEC` or
 * $BATON_BLOBS (the flag wins):
 * - unset: a folder `blobs/` next to the SQLite file, or the PostgreSQL database's own schema;
 * - `off`: none (payloads stay in the journal up to the payload limit);
 * - `disk:DIR`, or a bare path: a folder;
 * - `postgres`: the run database (which must be PostgreSQL); a postgres:// URL (with `?schema=`): that one;
 * - `s3://BUCKET/PREFIX?endpoint=…&region=…&forcePathStyle=…`: an S3-compatible bucket, credentials
 *   from the AWS SDK's chain; the bucket must answer at start.
 * $BATON_BLOB_THRESHOLD sets the size in bytes above which payloads go to it (default 256 KiB).
 * A spec that names nothing of these is BATON_INVALID_BLOB_STORE at start, before any work is taken.
 */
import { dirname, join, resolve } from 'node:path';
import { BatonError, DiskBlobStore, ErrorCode, type BlobStore } from '@baton/core';
import { PostgresBlobStore } from '@baton/postgres';
import { S3BlobStore, s3BlobStoreFromSpec } from '@baton/s3';
import { isPostgresUrl } from './command.js';

export interface BlobSettings {
  blobs?: BlobStore;
  blobThresholdBytes?: number;
}

export const blobsFlags = { blobs: { type: 'string' } } as const;

export const BLOBS_HELP = `  --blobs SPEC          where payloads over the blob threshold go ($BATON_BLOBS): disk:DIR, postgres
                        (the run database), a postgres:// URL, s3://BUCKET/PREFIX[?endpoint=URL&region=R
                        &forcePathStyle=true] (credentials from AWS_ACCESS_KEY_ID…), or off; default a
                        folder blobs/ beside the SQLite file, or the PostgreSQL database`;

function invalid(source: string, spec: string, why: string): BatonError {
  return new BatonError(
    ErrorCode.InvalidBlobStore,
    `${source} '${spec.slice(0, 200)}': ${why}. Use disk:DIR, postgres, a postgres:// URL, s3://BUCKET/PREFIX or off (see "Large payloads and blob stores" in docs/operations.md).`,
    { retryable: false, details: { spec: spec.slice(0, 200) } },
  );
}

function threshold(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.BATON_BLOB_THRESHOLD?.trim();
  if (text === undefined || text === '') return undefined;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new BatonError(ErrorCode.InvalidArgument, `BATON_BLOB_THRESHOLD must be a whole number of bytes, 1 or more, not '${text}'.`, { retryable: false });
  }
  return bytes;
}

/** The blob store a spec names, not yet opened; throws BATON_INVALID_BLOB_STORE for a spec that names none. */
export function blobStoreOf(spec: string | undefined, dbPath: string, env: NodeJS.ProcessEnv, source = '--blobs'): BlobStore | undefined {
  const chosen = spec?.trim();
  if (chosen === undefined || chosen === '') {
    return isPostgresUrl(dbPath) ? postgresBlobs(dbPath, env) : new DiskBlobStore({ dir: join(dirname(resolve(dbPath)), 'blobs') });
  }
  if (chosen === 'off') return undefined;
  if (chosen === 'postgres') {
    if (!isPostgresUrl(dbPath)) throw invalid(source, chosen, 'postgres keeps blobs in the run database, and this database is a SQLite file');
    return postgresBlobs(dbPath, env);
  }
  if (chosen.startsWith('disk:')) {
    const dir = chosen.slice('disk:'.length);
    if (dir.trim() === '') throw invalid(source, chosen, 'disk: needs a folder, as in disk:/var/lib/baton/blobs');
    return new DiskBlobStore({ dir: resolve(dir) });
  }
  if (isPostgresUrl(chosen)) return postgresBlobs(chosen, env);
  if (chosen.startsWith('s3:')) {
    try {
      return s3BlobStoreFromSpec(chosen, env);
    } catch (error) {
      // The spec's own message says what is wrong; say which setting it came from.
      if (error instanceof BatonError) throw new BatonError(error.code, `${source}: ${error.message}`, { retryable: false, cause: error });
      throw error;
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(chosen);
  if (scheme !== null) throw invalid(source, chosen, `there is no blob store of kind '${scheme[1]}'`);
  return new DiskBlobStore({ dir: resolve(chosen) });
}

/**
 * The blob settings of a process: the store of `--blobs` (else $BATON_BLOBS, else the default) and the
 * threshold. A bucket is checked here, so a wrong name or key fails the start rather than the first
 * large payload.
 */
export async function blobSettings(dbPath: string, env: NodeJS.ProcessEnv, flag?: string): Promise<BlobSettings> {
  const settings: BlobSettings = {};
  const bytes = threshold(env);
  if (bytes !== undefined) settings.blobThresholdBytes = bytes;
  const blobs = flag === undefined ? blobStoreOf(env.BATON_BLOBS, dbPath, env, '$BATON_BLOBS') : blobStoreOf(flag, dbPath, env, '--blobs');
  if (blobs === undefined) return settings;
  if (blobs instanceof S3BlobStore) {
    try {
      await blobs.check();
    } catch (error) {
      await blobs.close();
      throw error;
    }
  }
  settings.blobs = blobs;
  return settings;
}

/** Where a process's blobs are, for its start-up lines. */
export function describeBlobs(settings: BlobSettings): string {
  const blobs = settings.blobs;
  if (blobs === undefined) return 'none (payloads stay in the journal)';
  if (blobs instanceof S3BlobStore)
    return `s3://${blobs.bucket}/${blobs.options.prefix ?? ''}${blobs.options.endpoint === undefined ? '' : ` at ${blobs.options.endpoint}`}`;
  if (blobs instanceof DiskBlobStore) return blobs.dir;
  return 'the PostgreSQL database';
}

function postgresBlobs(url: string, env: NodeJS.ProcessEnv): PostgresBlobStore {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? env.BATON_SCHEMA;
  parsed.searchParams.delete('schema');
  return new PostgresBlobStore({ connectionString: parsed.toString(), ...(schema === undefined || schema === '' ? {} : { schema }) });
}
