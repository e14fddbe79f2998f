/**
 * Reading a BlobSource as a stream of chunks, counting bytes and refusing more than a limit: what
 * every blob store does while it writes, so none of them holds a whole blob in memory.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { BLOB_ID, type BlobSource } from './blob-store.js';

export async function* chunksOf(source: BlobSource, maxBytes = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  let total = 0;
  const check = (n: number): void => {
    total += n;
    if (total > maxBytes) {
      throw new BatonError(ErrorCode.PayloadTooLarge, `The blob is over the limit of ${maxBytes} bytes. Raise maxBlobBytes or send less.`, {
        retryable: false,
        details: { limit: maxBytes },
      });
    }
  };
  if (typeof source === 'string') {
    const bytes = new TextEncoder().encode(source);
    check(bytes.byteLength);
    yield bytes;
    return;
  }
  if (source instanceof Uint8Array) {
    check(source.byteLength);
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    check(bytes.byteLength);
    yield bytes;
  }
}

export function checkBlobId(id: string): void {
  if (!BLOB_ID.test(id)) {
    throw new BatonError(ErrorCode.InvalidArgument, `Invalid blob id '${id.slice(0, 140)}': use letters, digits, _ and - (at most 128).`, { retryable: false });
  }
}

export function blobNotFound(id: string): BatonError {
  return new BatonError(ErrorCode.BlobNotFound, `There is no blob '${id}'. It was never written, or was deleted with its run.`, { retryable: false });
}

export function blobExists(id: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, `A blob '${id}' exists already: blobs are immutable, write under a new id.`, { retryable: false });
}
