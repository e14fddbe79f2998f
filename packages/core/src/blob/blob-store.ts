/**
 * The blob store: where payloads too large for the journal live (run inputs uploaded as streams, step
 * results, signals and events over the blob threshold). The journal keeps a small reference
 * `{ "$baton": "blob", "v": { id, size, type } }`; the bytes stay here until the run they belong to
 * is deleted or pruned.
 *
 * Invariants every implementation keeps (shown by the blob conformance suite in @baton/testkit):
 * - `put` is atomic: a reader sees the whole blob or no blob, never a prefix; a failed put leaves
 *   nothing behind that `stat` or `read` would return.
 * - Blobs are immutable once written; ids are unique (`put` with a taken id is refused).
 * - `read` streams in chunks: no implementation holds a whole blob in memory.
 * - `deleteForRuns` removes every blob tagged with those runs; `list` lets a collector find blobs
 *   no run references (the leftovers of a write whose journal commit failed).
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  id: string;
  /** Size in bytes. */
  size: number;
  /** A MIME type; `application/octet-stream` when none was given. */
  contentType: string;
  /** The namespace of the run the blob belongs to; downloads enforce it. */
  namespace: string;
  /** The run the blob belongs to; unset for a blob uploaded before its run starts (see `attach`). */
  runId?: string;
  /** When it was written (epoch ms). */
  createdAt: number;
}

export interface BlobPutOptions {
  /** The id to write under (default: a new random id). */
  id?: string;
  contentType?: string;
  namespace?: string;
  runId?: string;
  /** Refuse the write (BATON_PAYLOAD_TOO_LARGE) once more than this many bytes arrived. */
  maxBytes?: number;
}

/** What a blob is written from: bytes, text (UTF-8), or a stream of chunks read once, in order. */
export type BlobSource = Uint8Array | string | AsyncIterable<Uint8Array> | Readable;

export interface BlobListOptions {
  /** Only blobs written before this time (epoch ms). */
  createdBefore?: number;
  /** Only blobs without a run (uploaded, not yet attached). */
  unattached?: boolean;
  limit?: number;
}

export interface BlobStore {
  /** Writes a blob atomically and returns what was written. */
  put(source: BlobSource, options?: BlobPutOptions): Promise<BlobInfo>;
  /** The blob's description, or undefined when there is none. */
  stat(id: string): Promise<BlobInfo | undefined>;
  /** Streams a blob's bytes; throws BATON_BLOB_NOT_FOUND when there is none. */
  read(id: string): AsyncIterable<Uint8Array>;
  /** Ties blobs uploaded before their run started to that run (so retention removes them with it). */
  attach(ids: readonly string[], runId: string): Promise<void>;
  /** Deletes blobs by id; returns how many existed. */
  delete(ids: readonly string[]): Promise<number>;
  /** Deletes every blob of these runs; returns how many. */
  deleteForRuns(runIds: readonly string[]): Promise<number>;
  /** Blobs, oldest first, for collectors. */
  list(options?: BlobListOptions): Promise<BlobInfo[]>;
  close?(): Promise<void>;
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Blob ids are chosen by Baton or by callers; they must be safe as file names and object keys. */
export const BLOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
