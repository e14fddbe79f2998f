/**
 * Baton's typed JSON on the wire: plain JSON, with values JSON cannot hold (Dates, BigInts, Maps…)
 * as `{ "$baton": tag, "v": value }`. The server and the client convert with these two.
 */
import { defaultPayloadCodec } from '@baton/core/browser';

/** A JavaScript value as typed JSON (undefined as null). */
export function toTypedJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(defaultPayloadCodec.encode(value));
}

/** A typed-JSON value as the JavaScript value it stands for (Dates, BigInts, Maps… restored). */
export function fromTypedJson<T = unknown>(value: unknown): T {
  return defaultPayloadCodec.decode(JSON.stringify(value ?? null)) as T;
}
