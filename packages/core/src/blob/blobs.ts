/**
 * The blob API of an engine or client (`engine.blobs`): write a stream as a blob and get the handle
 * workflow code passes around (`BlobValue`), or look one up by id. A step that produces a large result
 * writes it here and returns the handle; a run started with a handle as input reads it lazily.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { BlobInfo, BlobPutOptions, BlobSource, BlobStore } from './blob-store.js';
import { BlobValue } from './blob-value.js';

export class Blobs {
  readonly #store: BlobStore | undefined;

  constructor(store: BlobStore | undefined) {
    this.#store = store;
  }

  /** The blob store; throws BATON_BLOB_STORE_MISSING when none is configured. */
  get store(): BlobStore {
    if (this.#store === undefined) {
      throw new BatonError(ErrorCode.BlobStoreMissing, 'No blob store is configured: give the engine the option blobs (e.g. new DiskBlobStore({ dir })).', {
        retryable: false,
      });
    }
    return this.#store;
  }

  get configured(): boolean {
    return this.#store !== undefined;
  }

  /** Writes a blob from bytes, text or a stream, and returns its handle. */
  async put(source: BlobSource, options: BlobPutOptions = {}): Promise<BlobValue> {
    return this.handle(await this.store.put(source, options));
  }

  /** The handle of a stored blob, or undefined. */
  async get(id: string): Promise<BlobValue | undefined> {
    const info = await this.store.stat(id);
    return info === undefined ? undefined : this.handle(info);
  }

  handle(info: Pick<BlobInfo, 'id' | 'size' | 'contentType'>): BlobValue {
    const store = this.store;
    return new BlobValue({ id: info.id, size: info.size, contentType: info.contentType }, (id) => store.read(id));
  }
}

/** The ids of the BlobValue handles in a value (inputs that were uploaded before their run started). */
export function blobIdsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (value === null || typeof value !== 'object' || depth > 64) return out;
  if (value instanceof BlobValue) out.push(value.id);
  else if (Array.isArray(value)) for (const x of value) blobIdsIn(x, out, depth + 1);
  else if (value instanceof Map)
    for (const [k, x] of value) {
      blobIdsIn(k, out, depth + 1);
      blobIdsIn(x, out, depth + 1);
    }
  else if (value instanceof Set) for (const x of value) blobIdsIn(x, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const x of Object.values(value)) blobIdsIn(x, out, depth + 1);
  return out;
}
