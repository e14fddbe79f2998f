/**
 * Typed JSON encoding of payloads (inputs, outputs, step results, signals).
 *
 * Plain JSON loses Date, BigInt, Map, Set, Uint8Array, Error and undefined. This codec wraps such
 * values in a tagged object `{ "$baton": tag, "v": value }`; a plain object that happens to have a
 * `$baton` key is itself escaped with the tag `object`, so every value round-trips. Encoded payloads
 * are plain strings: stores keep them without interpreting them.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { base64ToBytes, bytesToBase64, utf8ByteLength } from './bytes.js';

const TAG = '$baton';

export interface PayloadCodecOptions {
  /** Maximum size of one encoded payload in bytes (UTF-8). Default 2 MiB. */
  maxPayloadBytes?: number;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

/**
 * How deep a payload may nest arrays and objects. Decoding recurses once per level: a value nested
 * deeper than the stack allows would be stored and then fail every read of it, so it is refused
 * when it is written.
 */
export const MAX_PAYLOAD_DEPTH = 1000;

export class PayloadCodec {
  readonly maxPayloadBytes: number;

  constructor(options: PayloadCodecOptions = {}) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** Encodes a value; `what` names it in errors ("output of step 'charge' in run r1"). */
  encode(value: unknown, what = 'payload'): string {
    let text: string;
    try {
      text = JSON.stringify(toJson(value, new Set(), 0));
    } catch (cause) {
      throw new BatonError(
        ErrorCode.PayloadEncoding,
        `The ${what} cannot be encoded: ${(cause as Error).message}. Use JSON-compatible values, Date, BigInt, Map, Set, Uint8Array or Error.`,
        { retryable: false, cause },
      );
    }
    // A JS string's length is at most its UTF-8 size; only measure precisely when it could matter.
    if (text.length * 3 > this.maxPayloadBytes) {
      const bytes = utf8ByteLength(text);
      if (bytes > this.maxPayloadBytes) {
        throw new BatonError(
          ErrorCode.PayloadTooLarge,
          `The ${what} is ${bytes} bytes, over the limit of ${this.maxPayloadBytes} bytes. Store large data elsewhere (a file or object store) and pass a reference, or raise maxPayloadBytes.`,
          { retryable: false, details: { bytes, limit: this.maxPayloadBytes } },
        );
      }
    }
    return text;
  }

  decode(text: string | null | undefined): unknown {
    if (text === null || text === undefined) return undefined;
    return fromJson(JSON.parse(text));
  }
}

export const defaultPayloadCodec = new PayloadCodec();

function toJson(value: unknown, seen: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return { [TAG]: 'number', v: String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'function':
    case 'symbol':
      throw new TypeError(`a ${typeof value} is not a payload value`);
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('the value contains a circular reference');
  if (depth >= MAX_PAYLOAD_DEPTH) throw new TypeError(`it nests arrays and objects more than ${MAX_PAYLOAD_DEPTH} levels deep`);
  seen.add(obj);
  const inner = depth + 1;
  try {
    if (Array.isArray(obj)) return obj.map((item) => toJson(item, seen, inner));
    if (obj instanceof Date) return { [TAG]: 'date', v: Number.isNaN(obj.getTime()) ? null : obj.toISOString() };
    if (obj instanceof Map) return { [TAG]: 'map', v: [...obj].map(([k, v]) => [toJson(k, seen, inner), toJson(v, seen, inner)]) };
    if (obj instanceof Set) return { [TAG]: 'set', v: [...obj].map((v) => toJson(v, seen, inner)) };
    if (obj instanceof Uint8Array) return { [TAG]: 'bytes', v: bytesToBase64(obj) };
    if (obj instanceof Error) return { [TAG]: 'error', v: errorToJson(obj, seen, inner) };
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) throw new TypeError('typed arrays other than Uint8Array are not payload values');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue; // like JSON: absent and undefined properties are the same
      out[k] = toJson(v, seen, inner);
    }
    return TAG in out ? { [TAG]: 'object', v: out } : out;
  } finally {
    seen.delete(obj);
  }
}

function errorToJson(error: Error, seen: Set<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) out.stack = error.stack;
  for (const [k, v] of Object.entries(error)) {
    if (k === 'isBatonError' || v === undefined || typeof v === 'function') continue;
    out[k] = toJson(v, seen, depth);
  }
  if (error.cause !== undefined) out.cause = toJson(error.cause, seen, depth);
  return out;
}

function fromJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const obj = value as Record<string, unknown>;
  const tag = obj[TAG];
  if (typeof tag === 'string') {
    const v = obj.v;
    switch (tag) {
      case 'undefined':
        return undefined;
      case 'bigint':
        return BigInt(v as string);
      case 'number':
        return Number(v);
      case 'date':
        return new Date(v === null ? Number.NaN : (v as string));
      case 'map':
        return new Map((v as [unknown, unknown][]).map(([k, x]) => [fromJson(k), fromJson(x)]));
      case 'set':
        return new Set((v as unknown[]).map(fromJson));
      case 'bytes':
        return base64ToBytes(v as string);
      case 'error':
        return errorFromJson(v as Record<string, unknown>);
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x);
        return out;
      }
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = fromJson(x);
  return out;
}

/** Rebuilds an Error from its encoded form: name, message, stack, code and other own fields, cause. */
function errorFromJson(v: Record<string, unknown>): Error {
  const isBaton = typeof v.code === 'string';
  const error = isBaton ? new BatonError(v.code as string, String(v.message ?? ''), { retryable: v.retryable !== false }) : new Error(String(v.message ?? ''));
  for (const [k, x] of Object.entries(v)) {
    if (k === 'message' || k === 'cause') continue;
    Object.defineProperty(error, k, { value: fromJson(x), writable: true, configurable: true, enumerable: k !== 'stack' && k !== 'name' });
  }
  if (v.cause !== undefined) Object.defineProperty(error, 'cause', { value: fromJson(v.cause), writable: true, configurable: true });
  return error;
}
