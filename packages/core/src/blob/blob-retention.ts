/**
 * Retention of blobs: a blob lives as long as its run. This collector deletes the blobs whose run is
 * gone (deleted, or never created because the write that would have created it failed after its
 * blob was written) and uploads never attached to a run, once they are older than a grace period
 * (so a blob being written for a run whose creation is about to commit is never taken). Engines run
 * it with their other pruning; a store that deletes runs may also call `deleteForRuns` at once.
 */
import type { Store } from '../store/store.js';
import type { BlobStore } from './blob-store.js';

export interface BlobCollection {
  blobs: BlobStore;
  store: Pick<Store, 'getRun'>;
  now: number;
  /** Only blobs older than this are looked at. Default 1 hour. */
  graceMs?: number;
  /** Most blobs looked at in one call. Default 1000. */
  limit?: number;
}

export const DEFAULT_BLOB_GRACE_MS = 60 * 60_000;

/** Deletes orphaned blobs; returns how many. */
export async function collectBlobs(options: BlobCollection): Promise<number> {
  const candidates = await options.blobs.list({ createdBefore: options.now - (options.graceMs ?? DEFAULT_BLOB_GRACE_MS), limit: options.limit ?? 1000 });
  const orphans: string[] = [];
  const runs = new Map<string, boolean>();
  for (const blob of candidates) {
    if (blob.runId === undefined) {
      orphans.push(blob.id);
      continue;
    }
    let exists = runs.get(blob.runId);
    if (exists === undefined) {
      exists = (await options.store.getRun(blob.runId)) !== undefined;
      runs.set(blob.runId, exists);
    }
    if (!exists) orphans.push(blob.id);
  }
  return orphans.length === 0 ? 0 : options.blobs.delete(orphans);
}
