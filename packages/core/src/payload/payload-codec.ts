/**
 * Typed JSON encoding of payloads (inputs, outputs, step results, signals).
 *
 * Plain JSON loses Date, BigInt, Map, Set, Uint8Array, Error and undefined. This codec wraps such
 * values in a tagged object `{ "$baton": tag, "v": value }`; a plain object that happens to have a
 * `$baton` key is itself escaped with the tag `object`, so every value round-trips. Encoded payloads
 * are plain strings: stores keep them without interpreting them.
 *
 * Large payloads. With a blob store, an encoded payload over `blobThresholdBytes` (default 256 KiB)
 * is written to the blob store and the payload becomes a small reference,
 * `{ "$baton": "spill", "v": { "id", "size" } }`: the journal stays small and workflow code still sees
 * the value itself. The write starts when the value is encoded and `settle()` waits for it; the engine
 * and the client settle before they commit anything that holds the reference, so a committed reference
 * always has its blob. Reading one back is asynchronous (`inline`), done where payloads are loaded
 * (a claimed run's input, journal and signals; a run's output). `maxPayloadBytes` stays the hard
 * ceiling of a value held in memory; data larger than that travels as a BlobValue handle (blob-value.ts).
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { BlobValue } from '../blob/blob-value.js';
import type { BlobStore } from '../blob/blob-store.js';
import { base64ToBytes, bytesToBase64, utf8ByteLength } from './bytes.js';

const TAG = '$baton';

export interface PayloadCodecOptions {
  /** Maximum size of one encoded payload in bytes (UTF-8). Default 2 MiB. */
  maxPayloadBytes?: number;
  /** Where payloads over `blobThresholdBytes` go, and where BlobValue handles read from. */
  blobs?: BlobStore;
  /** Encoded payloads larger than this go to the blob store (when there is one). Default 256 KiB. */
  blobThresholdBytes?: number;
}

/** Who a payload belongs to: its blob, if it spills, is tagged with them (retention, downloads). */
export interface PayloadOwner {
  runId?: string;
  namespace?: string;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
export const DEFAULT_BLOB_THRESHOLD_BYTES = 256 * 1024;
const SPILL_PREFIX = `{"${TAG}":"spill"`;

/**
 * How deep a payload may nest arrays and objects. Decoding recurses once per level: a value nested
 * deeper than the stack allows would be stored and then fail every read of it, so it is refused
 * when it is written.
 */
export const MAX_PAYLOAD_DEPTH = 1000;

export class PayloadCodec {
  readonly maxPayloadBytes: number;
  readonly blobThresholdBytes: number;
  readonly blobs: BlobStore | undefined;
  readonly #pending = new Set<Promise<void>>();
  #failures: unknown[] = [];
  readonly #read: ((id: string) => AsyncIterable<Uint8Array>) | undefined;

  constructor(options: PayloadCodecOptions = {}) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.blobThresholdBytes = options.blobThresholdBytes ?? DEFAULT_BLOB_THRESHOLD_BYTES;
    if (!Number.isSafeInteger(this.blobThresholdBytes) || this.blobThresholdBytes < 1) {
      throw new BatonError(ErrorCode.InvalidArgument, 'blobThresholdBytes must be a whole number of bytes, 1 or more.', { retryable: false });
    }
    this.blobs = options.blobs;
    const blobs = options.blobs;
    this.#read = blobs === undefined ? undefined : (id) => blobs.read(id);
  }

  /**
   * Encodes a value; `what` names it in errors ("output of step 'charge' in run r1"). A value of a
   * run (`owner.runId`) over the blob threshold goes to the blob store, tagged with its owner; others
   * (schedule inputs, event data, progress) stay inline up to `maxPayloadBytes`.
   */
  encode(value: unknown, what = 'payload', owner: PayloadOwner = {}): string {
    return this.encodeBoth(value, what, owner).stored;
  }

  /**
   * Encodes a value, returning both what is stored (a reference if it spilled) and the full encoding,
   * for a caller that goes on using the value in memory (a step's result is decoded from it at once).
   */
  encodeBoth(value: unknown, what = 'payload', owner: PayloadOwner = {}): { stored: string; full: string } {
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
    // Only a value that belongs to a run spills: retention keeps a blob exactly as long as its run.
    if (this.blobs !== undefined && owner.runId !== undefined && text.length * 3 > this.blobThresholdBytes) {
      const bytes = utf8ByteLength(text);
      if (bytes > this.blobThresholdBytes) return { stored: this.#spill(this.blobs, text, bytes, owner), full: text };
    }
    return { stored: text, full: text };
  }

  decode(text: string | null | undefined): unknown {
    if (text === null || text === undefined) return undefined;
    const json: unknown = JSON.parse(text);
    if (isSpill(json)) {
      throw new BatonError(
        ErrorCode.BlobStoreMissing,
        `This payload is in blob '${json.v.id}' and was not read back before it was decoded. Read it with inline() first, with the blob store it was written to.`,
        { retryable: false },
      );
    }
    return fromJson(json, this.#read);
  }

  /** Whether an encoded payload is a reference to a spilled payload. */
  isSpilled(text: string | null | undefined): boolean {
    return text !== null && text !== undefined && text.startsWith(SPILL_PREFIX);
  }

  /** The id of the blob a spilled payload is in, or undefined. */
  spilledBlobId(text: string | null | undefined): string | undefined {
    if (!this.isSpilled(text)) return undefined;
    const json: unknown = JSON.parse(text as string);
    return isSpill(json) ? json.v.id : undefined;
  }

  /** An encoded payload with a spilled value read back from the blob store (others unchanged). */
  async inline<T extends string | null | undefined>(text: T): Promise<T | string> {
    const id = this.spilledBlobId(text);
    if (id === undefined) return text;
    if (this.blobs === undefined) {
      throw new BatonError(
        ErrorCode.BlobStoreMissing,
        `A payload is in blob '${id}' but no blob store is configured: give the engine or client option blobs.`,
        {
          retryable: false,
        },
      );
    }
    const decoder = new TextDecoder();
    let out = '';
    for await (const chunk of this.blobs.read(id)) out += decoder.decode(chunk, { stream: true });
    return out + decoder.decode();
  }

  /** Decodes after reading a spilled value back. */
  async decodeAsync(text: string | null | undefined): Promise<unknown> {
    return this.decode(await this.inline(text));
  }

  /**
   * Waits for the blob writes of values encoded so far. Throws if one failed (nothing that refers to
   * it may be committed); the caller's commit then fails like any store error.
   */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.#failures.length > 0) {
      const [first] = this.#failures;
      this.#failures = [];
      throw new BatonError(ErrorCode.StoreError, `A large payload could not be written to the blob store: ${(first as Error).message}`, { cause: first });
    }
  }

  #spill(blobs: BlobStore, text: string, bytes: number, owner: PayloadOwner): string {
    const id = globalThis.crypto.randomUUID();
    const write: Promise<void> = blobs
      .put(text, {
        id,
        contentType: 'application/json',
        ...(owner.runId === undefined ? {} : { runId: owner.runId }),
        ...(owner.namespace === undefined ? {} : { namespace: owner.namespace }),
      })
      .then(
        () => undefined,
        (error: unknown) => void this.#failures.push(error),
      )
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
    return JSON.stringify({ [TAG]: 'spill', v: { id, size: bytes } });
  }
}

function isSpill(json: unknown): json is { v: { id: string; size: number } } {
  if (json === null || typeof json !== 'object' || (json as Record<string, unknown>)[TAG] !== 'spill') return false;
  const v = (json as { v?: unknown }).v;
  return v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string';
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
    if (obj instanceof BlobValue) return { [TAG]: 'blob', v: { id: obj.id, size: obj.size, type: obj.contentType } };
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

type Reader = ((id: string) => AsyncIterable<Uint8Array>) | undefined;

function fromJson(value: unknown, read: Reader): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((x) => fromJson(x, read));
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
        return new Map((v as [unknown, unknown][]).map(([k, x]) => [fromJson(k, read), fromJson(x, read)]));
      case 'set':
        return new Set((v as unknown[]).map((x) => fromJson(x, read)));
      case 'bytes':
        return base64ToBytes(v as string);
      case 'blob': {
        const ref = v as { id: string; size: number; type?: string };
        return new BlobValue({ id: ref.id, size: ref.size, contentType: ref.type ?? 'application/octet-stream' }, read);
      }
      case 'error':
        return errorFromJson(v as Record<string, unknown>, read);
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x, read);
        return out;
      }
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = fromJson(x, read);
  return out;
}

/** Rebuilds an Error from its encoded form: name, message, stack, code and other own fields, cause. */
function errorFromJson(v: Record<string, unknown>, read: Reader): Error {
  const isBaton = typeof v.code === 'string';
  const error = isBaton ? new BatonError(v.code as string, String(v.message ?? ''), { retryable: v.retryable !== false }) : new Error(String(v.message ?? ''));
  for (const [k, x] of Object.entries(v)) {
    if (k === 'message' || k === 'cause') continue;
    Object.defineProperty(error, k, { value: fromJson(x, read), writable: true, configurable: true, enumerable: k !== 'stack' && k !== 'name' });
  }
  if (v.cause !== undefined) Object.defineProperty(error, 'cause', { value: fromJson(v.cause, read), writable: true, configurable: true });
  return error;
}
