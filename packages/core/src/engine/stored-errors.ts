/** Converting errors to and from their stored form. */
import { BatonError, errorMessage } from '../errors/errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { StoredError } from '../store/records.js';

export function toStoredError(codec: PayloadCodec, error: unknown): StoredError {
  const e = error instanceof Error ? error : new Error(errorMessage(error));
  const code = (e as { code?: unknown }).code;
  const stored: StoredError = { name: e.name, message: e.message };
  if (typeof code === 'string') stored.code = code;
  try {
    stored.encoded = codec.encode(e, 'error');
  } catch {
    // An error too large or odd to encode is still stored by name, message and code.
  }
  return stored;
}

export function fromStoredError(codec: PayloadCodec, stored: StoredError | undefined): Error {
  if (stored === undefined) return new Error('unknown error');
  if (stored.encoded !== undefined) {
    try {
      const decoded = codec.decode(stored.encoded);
      if (decoded instanceof Error) return decoded;
    } catch {
      // fall through to the plain form
    }
  }
  const error = stored.code === undefined ? new Error(stored.message) : new BatonError(stored.code, stored.message);
  error.name = stored.name;
  return error;
}
