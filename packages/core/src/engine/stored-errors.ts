/** Converting errors to and from their stored form. */
import { BatonError, errorMessage } from '../errors/errors.js';
import { PayloadCodec } from '../payload/payload-codec.js';
import type { StoredError } from '../store/records.js';

/** Errors are kept whatever the payload limit: their own bound is generous, and stacks are cut to fit. */
const errorCodec = new PayloadCodec({ maxPayloadBytes: 256 * 1024 });
const MAX_MESSAGE = 8 * 1024;

export function toStoredError(_codec: PayloadCodec, error: unknown): StoredError {
  const e = error instanceof Error ? error : new Error(errorMessage(error));
  const code = (e as { code?: unknown }).code;
  const stored: StoredError = { name: String(e.name).slice(0, 200), message: String(e.message).slice(0, MAX_MESSAGE) };
  if (typeof code === 'string') stored.code = code.slice(0, 200);
  try {
    stored.encoded = errorCodec.encode(e, 'error');
  } catch {
    try {
      stored.encoded = errorCodec.encode(withoutStacks(e, 0), 'error');
    } catch {
      // An error too large or odd to encode is still stored by name, message and code.
    }
  }
  return stored;
}

/** A copy of the error chain with stacks removed and messages cut, for errors too large to keep whole. */
function withoutStacks(error: Error, depth: number): Error {
  const copy = new Error(error.message.slice(0, MAX_MESSAGE));
  copy.name = error.name;
  delete copy.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code, retryable: (error as { retryable?: unknown }).retryable });
  if (error.cause instanceof Error && depth < 5) copy.cause = withoutStacks(error.cause, depth + 1);
  return copy;
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
