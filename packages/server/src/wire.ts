/**
 * Payload values between a route and its JSON, on the server side: typed JSON from a request read
 * back into the value it stands for (a malformed tag is bad input, never a 500), and times as ISO text.
 * Kept apart from typed-json.ts, which the browser client shares and which must not throw BatonErrors.
 */
import { BatonError } from '@baton/core';
import { fromTypedJson } from './typed-json.js';

/** A typed-JSON value from a request as the value it stands for; a malformed tag is bad input. */
export function fromWire(value: unknown, what: string): unknown {
  if (value === undefined) return undefined;
  try {
    return fromTypedJson(value);
  } catch (error) {
    const reason = error instanceof RangeError ? 'it is nested too deeply (at most a few thousand levels)' : (error as Error).message;
    throw new BatonError('BATON_INVALID_ARGUMENT', `The ${what} is not valid typed JSON: ${reason}`, { retryable: false });
  }
}

/** A time of a record as the API writes it; undefined stays undefined (the field is left out). */
export function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}
