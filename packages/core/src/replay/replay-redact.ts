/**
 * Redaction of a replay file's payloads: every value a run carried (input, output, step results,
 * signal data, error messages) is replaced by a placeholder of the same JSON type and shape, so the
 * file can leave the place the data lives and still replay. Strings become REDACTED, numbers 0,
 * dates the epoch, bytes empty; booleans, null, object keys, array lengths and the codec's type tags
 * stay. Code that branches on a redacted value may take another path than the run did and report a
 * divergence that is not one.
 */
import type { StoredError } from '../store/records.js';

/** What every redacted string reads. */
export const REDACTED = '[redacted]';

const TAG = '$baton';
/** Error fields that say what kind of error it was, not what it was about: kept. */
const ERROR_KEPT = new Set(['name', 'code', 'retryable']);

/** An encoded payload (the PayloadCodec's JSON text) with its values replaced by placeholders. */
export function redactPayload(encoded: string): string {
  let value: unknown;
  try {
    value = JSON.parse(encoded) as unknown;
  } catch {
    return JSON.stringify(REDACTED);
  }
  return JSON.stringify(redactValue(value));
}

export function redactError(error: StoredError): StoredError {
  const out: StoredError = { name: error.name, message: REDACTED };
  if (error.code !== undefined) out.code = error.code;
  if (error.encoded !== undefined) out.encoded = redactPayload(error.encoded);
  return out;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return REDACTED;
  if (typeof value === 'number') return 0;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redactValue);
  const obj = value as Record<string, unknown>;
  const tag = obj[TAG];
  if (typeof tag === 'string') return { [TAG]: tag, ...('v' in obj ? { v: redactTagged(tag, obj.v) } : {}) };
  return redactObject(obj);
}

function redactObject(obj: Record<string, unknown>, kept?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(obj)) out[key] = kept?.has(key) === true ? inner : redactValue(inner);
  return out;
}

/** A tagged value keeps its tag, so it still decodes to a value of its type. */
function redactTagged(tag: string, v: unknown): unknown {
  switch (tag) {
    case 'bigint':
      return '0';
    case 'number':
      return v; // NaN or ±Infinity: a kind, not data
    case 'date':
      return v === null ? null : new Date(0).toISOString();
    case 'bytes':
      return '';
    case 'error':
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? redactObject(v as Record<string, unknown>, ERROR_KEPT) : redactValue(v);
    default:
      return redactValue(v); // map, set, object: their contents
  }
}
