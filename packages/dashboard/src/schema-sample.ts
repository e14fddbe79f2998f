/**
 * A plausible sample value for a JSON Schema: what the New workflow page prefills a simulation's
 * input with, so a person starts from something that passes the definition's input schema and edits
 * it rather than typing it from nothing. Examples, defaults, constants and enums win; otherwise each
 * type gets a small value within its bounds.
 */
import type { JsonSchema } from './schema-values';

type SampleSchema = JsonSchema & { examples?: unknown[]; format?: string; oneOf?: SampleSchema[]; anyOf?: SampleSchema[]; allOf?: SampleSchema[] };

/** A sample of `schema` (nested at most a few levels: deeper objects are left empty). */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return null;
  const s = schema as SampleSchema;
  if (s.examples !== undefined && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum !== undefined && s.enum.length > 0) return s.enum[0];
  const choice = s.oneOf?.[0] ?? s.anyOf?.[0] ?? s.allOf?.[0];
  if (choice !== undefined) return sampleFromSchema(choice, depth);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type ?? (s.properties !== undefined ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 4) return out;
      for (const [key, property] of Object.entries(s.properties ?? {})) out[key] = sampleFromSchema(property, depth + 1);
      return out;
    }
    case 'array': {
      const count = Math.max(1, s.minItems ?? 1);
      return depth > 4 ? [] : Array.from({ length: Math.min(count, 3) }, () => sampleFromSchema(s.items, depth + 1));
    }
    case 'string':
      return sampleString(s);
    case 'integer':
    case 'number': {
      const low = s.minimum ?? (s.exclusiveMinimum === undefined ? undefined : s.exclusiveMinimum + 1);
      const high = s.maximum ?? (s.exclusiveMaximum === undefined ? undefined : s.exclusiveMaximum - 1);
      const value = low ?? (high === undefined ? 1 : Math.min(1, high));
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function sampleString(s: SampleSchema): string {
  if (s.format === 'email') return 'someone@example.com';
  if (s.format === 'date-time') return '2026-01-01T09:00:00Z';
  if (s.format === 'date') return '2026-01-01';
  if (s.format === 'uri') return 'https://example.com';
  const text = 'sample';
  const min = s.minLength ?? 0;
  const padded = text.length >= min ? text : text.padEnd(min, 'x');
  return s.maxLength === undefined ? padded : padded.slice(0, s.maxLength);
}
