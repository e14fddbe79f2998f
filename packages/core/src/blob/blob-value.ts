/**
 * What workflow code sees of a blob: a handle, not the bytes. A 200 MB input is a `BlobValue` whose
 * bytes stay in the blob store until a step streams them (`stream()`), so a run holds a handle of a
 * few bytes in memory and in its journal, and replay never reads the blob again. `bytes()` and
 * `text()` are there for values small enough to hold.
 *
 * Runs get one as input when the input was uploaded as a stream (POST /api/blobs, `client.blobs.put`),
 * and steps return one to pass large results on (`engine.blobs.put(stream)`). It encodes in payloads
 * as `{ "$baton": "blob", "v": { "id", "size", "type" } }`. This file stays free of Node modules:
 * the dashboard decodes payloads too.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';

/** Streams a blob's bytes by id. */
export type BlobReader = (id: string) => AsyncIterable<Uint8Array>;

export interface BlobReference {
  id: string;
  size: number;
  contentType: string;
}

export class BlobValue implements BlobReference {
  readonly id: string;
  readonly size: number;
  readonly contentType: string;
  readonly #reader: BlobReader | undefined;

  constructor(reference: BlobReference, reader?: BlobReader) {
    this.id = reference.id;
    this.size = reference.size;
    this.contentType = reference.contentType;
    this.#reader = reader;
  }

  /** The bytes, chunk by chunk, read from the blob store as they are consumed. */
  stream(): AsyncIterable<Uint8Array> {
    if (this.#reader === undefined) {
      throw new BatonError(
        ErrorCode.BlobStoreMissing,
        `Blob '${this.id}' cannot be read here: no blob store is configured. Give the engine or client the blob store the blob was written to (option blobs).`,
        { retryable: false },
      );
    }
    return this.#reader(this.id);
  }

  /** All the bytes at once: only for blobs small enough to hold in memory. */
  async bytes(): Promise<Uint8Array> {
    const out = new Uint8Array(this.size);
    let at = 0;
    for await (const chunk of this.stream()) {
      if (at + chunk.byteLength > out.byteLength)
        throw new BatonError(ErrorCode.StoreError, `Blob '${this.id}' is longer than its recorded size ${this.size}.`);
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return at === out.byteLength ? out : out.subarray(0, at);
  }

  /** The bytes decoded as UTF-8. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  toJSON(): BlobReference {
    return { id: this.id, size: this.size, contentType: this.contentType };
  }
}

export function isBlobValue(value: unknown): value is BlobValue {
  return value instanceof BlobValue;
}
