/**
 * What a form generated from a JSON Schema holds and sends: which schemas become fields (objects,
 * strings, numbers, integers, booleans, enums, arrays of primitives), the text each field holds, and
 * the value read back from it, checked against the schema's constraints with a message per field.
 * Anything else is edited as JSON.
 */
import { plural } from './format.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  title?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

/** What a field holds: a checkbox's state, or the text typed (JSON for a JSON field). */
export type FieldValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

export type FieldKind = 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'list' | 'json';

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

export function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function typeOf(schema: JsonSchema): string | undefined {
  return typeof schema.type === 'string' ? schema.type : undefined;
}

export function kindOf(schema: JsonSchema | undefined): FieldKind {
  if (schema === undefined) return 'json';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => v === null || typeof v !== 'object')) return 'enum';
  const type = typeOf(schema);
  if (type === 'object' && schema.properties !== undefined) return 'object';
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  if (type === 'array') {
    const item = asSchema(schema.items);
    const itemType = item === undefined ? undefined : typeOf(item);
    if (itemType !== undefined && PRIMITIVES.has(itemType) && item?.enum === undefined) return 'list';
  }
  return 'json';
}

/** Whether a schema is a form's root of fields (an object with properties), not one JSON field. */
export function hasFields(schema: unknown): schema is JsonSchema {
  return kindOf(asSchema(schema)) === 'object';
}

export const childPath = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** The fields' starting values: the schema's defaults, unchecked boxes, empty text. */
export function initialValues(schema: JsonSchema | undefined, path = ''): FieldValues {
  const kind = kindOf(schema);
  if (kind === 'object') {
    const out: FieldValues = {};
    for (const [name, child] of Object.entries(schema!.properties!)) Object.assign(out, initialValues(child, childPath(path, name)));
    return out;
  }
  const fallback = schema?.default;
  if (kind === 'boolean') return { [path]: fallback === true };
  if (fallback === undefined) return { [path]: '' };
  if (kind === 'list' && Array.isArray(fallback)) return { [path]: fallback.join(', ') };
  if (kind === 'json') return { [path]: JSON.stringify(fallback, null, 2) };
  return { [path]: String(fallback) };
}

/** The value the fields hold, or the messages of the fields that do not fit the schema. */
export function readValues(schema: JsonSchema | undefined, values: FieldValues): { value: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {};
  // A value without a declared schema may be left out; a form of fields always sends its object.
  const value = readField(schema, values, '', kindOf(schema) !== 'json', errors);
  return { value, errors };
}

function readField(schema: JsonSchema | undefined, values: FieldValues, path: string, required: boolean, errors: FieldErrors): unknown {
  const kind = kindOf(schema);
  if (kind === 'object') {
    const out: Record<string, unknown> = {};
    const needed = new Set(schema!.required ?? []);
    for (const [name, child] of Object.entries(schema!.properties!)) {
      const value = readField(child, values, childPath(path, name), needed.has(name), errors);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  const raw = values[path];
  if (kind === 'boolean') return raw === true;
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') {
    if (required) errors[path] = 'Required.';
    return undefined;
  }
  const fail = (message: string): undefined => {
    errors[path] = message;
    return undefined;
  };
  switch (kind) {
    case 'enum': {
      const found = schema!.enum!.find((option) => String(option) === text);
      return found === undefined ? fail('Choose one of the options.') : found;
    }
    case 'string':
      return checkString(schema!, text, fail);
    case 'number':
    case 'integer':
      return checkNumber(schema!, kind, text.trim(), fail);
    case 'list': {
      const item = asSchema(schema!.items)!;
      const itemKind = kindOf(item);
      const parts = text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
      const out: unknown[] = [];
      for (const part of parts) {
        let message: string | undefined;
        const note = (m: string): undefined => {
          message = m;
          return undefined;
        };
        const value =
          itemKind === 'boolean'
            ? part === 'true'
              ? true
              : part === 'false'
                ? false
                : note('is not true or false')
            : itemKind === 'string'
              ? checkString(item, part, note)
              : checkNumber(item, itemKind as 'number' | 'integer', part, note);
        if (message !== undefined) return fail(`“${part}”: ${message.replace(/\.$/, '')}.`);
        out.push(value);
      }
      if (schema!.minItems !== undefined && out.length < schema!.minItems) return fail(`At least ${plural(schema!.minItems, 'item')}.`);
      if (schema!.maxItems !== undefined && out.length > schema!.maxItems) return fail(`At most ${plural(schema!.maxItems, 'item')}.`);
      return out;
    }
    default:
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        return fail(`Not JSON: ${(error as Error).message}`);
      }
  }
}

function checkString(schema: JsonSchema, text: string, fail: (message: string) => undefined): string | undefined {
  const length = [...text].length;
  if (schema.minLength !== undefined && length < schema.minLength) return fail(`At least ${plural(schema.minLength, 'character')}.`);
  if (schema.maxLength !== undefined && length > schema.maxLength) return fail(`At most ${plural(schema.maxLength, 'character')}.`);
  if (schema.pattern !== undefined) {
    let matches = true;
    try {
      matches = new RegExp(schema.pattern, 'u').test(text);
    } catch {
      // A pattern this browser cannot read: the server checks it.
    }
    if (!matches) return fail(`Must match ${schema.pattern}.`);
  }
  return text;
}

function checkNumber(schema: JsonSchema, kind: 'number' | 'integer', text: string, fail: (message: string) => undefined): number | undefined {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) return fail('Not a number.');
  if (kind === 'integer' && !Number.isInteger(n)) return fail('Must be a whole number.');
  if (schema.minimum !== undefined && n < schema.minimum) return fail(`At least ${schema.minimum}.`);
  if (schema.maximum !== undefined && n > schema.maximum) return fail(`At most ${schema.maximum}.`);
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) return fail(`More than ${schema.exclusiveMinimum}.`);
  if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum) return fail(`Less than ${schema.exclusiveMaximum}.`);
  return n;
}

/** The constraints of a field in words ("3–80 characters", "≥ 1"), for its hint. */
export function describeConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const { minLength: min, maxLength: max } = schema;
  if (min !== undefined && max !== undefined) out.push(min === max ? plural(min, 'character') : `${min}–${max} characters`);
  else if (min !== undefined) out.push(`at least ${plural(min, 'character')}`);
  else if (max !== undefined) out.push(`at most ${plural(max, 'character')}`);
  if (schema.pattern !== undefined) out.push(`matches ${schema.pattern}`);
  // zod publishes integers with the safe-integer bounds: not worth saying.
  if (schema.minimum !== undefined && schema.minimum > Number.MIN_SAFE_INTEGER) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) out.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  return out;
}

/** A schema's type in words, for reading: "string", "integer", "list of string", "one of a, b". */
export function describeType(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'any';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.type === 'array') return `list of ${describeType(asSchema(schema.items))}`;
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type !== undefined) return schema.type;
  const anyOf = (schema as { anyOf?: unknown[] }).anyOf;
  if (Array.isArray(anyOf)) return anyOf.map((s) => describeType(asSchema(s))).join(' or ');
  return 'any';
}
