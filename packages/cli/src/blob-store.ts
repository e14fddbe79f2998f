/**
 * The blob store of an engine process (large payloads, uploads), chosen by $BATON_BLOBS:
 * unset: a folder `blobs/` next to the SQLite file, or the PostgreSQL database's own schema;
 * `off`: none (payloads stay in the journal up to the payload limit); a postgres:// URL (with
 * `?schema=`): PostgreSQL; anything else: a folder. $BATON_BLOB_THRESHOLD sets the size in bytes
 * above which payloads go to it (default 256 KiB).
 */
import { dirname, join, resolve } from 'node:path';
import { BatonError, DiskBlobStore, ErrorCode, type BlobStore } from '@baton/core';
import { PostgresBlobStore } from '@baton/postgres';
import { isPostgresUrl } from './command.js';

export interface BlobSettings {
  blobs?: BlobStore;
  blobThresholdBytes?: number;
}

export function blobSettings(dbPath: string, env: NodeJS.ProcessEnv): BlobSettings {
  const chosen = env.BATON_BLOBS?.trim();
  const settings: BlobSettings = {};
  const threshold = env.BATON_BLOB_THRESHOLD?.trim();
  if (threshold !== undefined && threshold !== '') {
    const bytes = Number(threshold);
    if (!Number.isSafeInteger(bytes) || bytes < 1) {
      throw new BatonError(ErrorCode.InvalidArgument, `BATON_BLOB_THRESHOLD must be a whole number of bytes, 1 or more, not '${threshold}'.`, {
        retryable: false,
      });
    }
    settings.blobThresholdBytes = bytes;
  }
  if (chosen === 'off') return settings;
  if (chosen === undefined || chosen === '')
    settings.blobs = isPostgresUrl(dbPath) ? postgresBlobs(dbPath, env) : new DiskBlobStore({ dir: join(dirname(resolve(dbPath)), 'blobs') });
  else settings.blobs = isPostgresUrl(chosen) ? postgresBlobs(chosen, env) : new DiskBlobStore({ dir: resolve(chosen) });
  return settings;
}

function postgresBlobs(url: string, env: NodeJS.ProcessEnv): PostgresBlobStore {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? env.BATON_SCHEMA;
  parsed.searchParams.delete('schema');
  return new PostgresBlobStore({ connectionString: parsed.toString(), ...(schema === undefined || schema === '' ? {} : { schema }) });
}
