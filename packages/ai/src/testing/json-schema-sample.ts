// A small, deterministic JSON Schema instance generator for the demo responder: given a schema and
// the task text, it builds a value that satisfies the schema and, where it can, echoes the task
// (an enum value the text names, a number the text contains, a phrase from the text).

import { isRecord } from './scripted-completion.js';
import type { JsonSchema } from './scripted-reply.js';

/** Past this nesting depth only required properties and the fewest array items are filled, so recursive schemas terminate. */
const fullDepth = 4;
const maxDepth = 12;

const formatSamples: Readonly<Record<string, string>> = {
  'date-time': '2024-01-01T00:00:00.000Z',
  date: '2024-01-01',
  time: '00:00:00',
  duration: 'PT1H',
  email: 'demo@example.com',
  'idn-email': 'demo@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  cuid: 'cjld2cjxh0000qzrmn831i7rn',
  cuid2: 'tz4a98xxat96iws9zmbrgj3a',
  ulid: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  nanoid: 'V1StGXR8_Z5jdHi6B-myT',
  emoji: '🙂',
  base64: 'ZGVtbw==',
};

/** String properties whose names ask for a proper noun get one from the text, if it has one. */
const properNounKeys = /(city|country|location|place|name|person|company|town|destination)$/i;

interface SampleContext {
  readonly root: JsonSchema;
  readonly text: string;
  readonly phrase: string;
  readonly properNoun: string | undefined;
  readonly number: number | undefined;
}

/** A value satisfying `schema`, derived from `text` where the schema leaves room. */
export function sampleFromSchema(schema: JsonSchema, text: string): unknown {
  const numberMatch = /-?\d+(?:\.\d+)?/.exec(text);
  // A capitalised word after the first one: in "What is the weather in Paris?", Paris.
  const properNoun = /\s([A-Z][\p{L}-]+)/u.exec(text)?.[1];
  const ctx: SampleContext = {
    root: schema,
    text: text.toLowerCase(),
    phrase: phraseOf(text),
    properNoun,
    number: numberMatch === null ? undefined : Number(numberMatch[0]),
  };
  return sample(schema, ctx, 0);
}

/** The first few words of the text: a short phrase to put in string fields. */
export function phraseOf(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 8).join(' ');
  const phrase = words.replace(/[\s.,;:!?]+$/, '');
  return phrase.length > 0 ? phrase : 'demo';
}

function sample(schema: unknown, ctx: SampleContext, depth: number, key?: string): unknown {
  if (schema === true || !isRecord(schema)) return ctx.phrase;
  if (depth > maxDepth) return null;
  const ref = schema['$ref'];
  if (typeof ref === 'string') return sample(resolveRef(ctx.root, ref), ctx, depth + 1, key);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return pickEnum(schema['enum'], ctx.text);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return sample(options.find((o) => !(isRecord(o) && o['type'] === 'null')) ?? options[0], ctx, depth + 1, key);
  }
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && allOf.length > 0) {
    const parts = allOf.map((part) => sample(part, ctx, depth + 1, key));
    return parts.every(isRecord) ? Object.assign({}, ...parts) : parts[0];
  }
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, ctx, depth);
    case 'array':
      return sampleArray(schema, ctx, depth);
    case 'string':
      return sampleString(schema, ctx, key);
    case 'integer':
      return sampleNumber(schema, ctx, true);
    case 'number':
      return sampleNumber(schema, ctx, false);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return ctx.phrase;
  }
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null') ?? 'null';
  if (isRecord(schema['properties'])) return 'object';
  if (schema['items'] !== undefined || schema['prefixItems'] !== undefined) return 'array';
  return undefined;
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return node ?? {};
}

/** The enum value the text mentions first, or the first value. */
function pickEnum(values: readonly unknown[], text: string): unknown {
  let best: { value: unknown; at: number } | undefined;
  for (const value of values) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const escaped = String(value)
      .toLowerCase()
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const at = new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).exec(text)?.index;
    if (at !== undefined && (best === undefined || at < best.at)) best = { value, at };
  }
  return best === undefined ? values[0] : best.value;
}

function sampleObject(schema: Record<string, unknown>, ctx: SampleContext, depth: number): Record<string, unknown> {
  const properties = isRecord(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((k): k is string => typeof k === 'string') : []);
  const out: Record<string, unknown> = {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (depth >= fullDepth && !required.has(key)) continue;
    out[key] = sample(propertySchema, ctx, depth + 1, key);
  }
  return out;
}

function sampleArray(schema: Record<string, unknown>, ctx: SampleContext, depth: number): unknown[] {
  const prefix = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] : [];
  const minItems = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
  const maxItems = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : Infinity;
  // One item shows the shape; deep in a recursive schema, the fewest allowed so the value ends.
  const count = Math.min(maxItems, Math.max(depth >= fullDepth ? 0 : 1, minItems, prefix.length));
  const items = schema['items'];
  return Array.from({ length: count }, (_, i) => sample(i < prefix.length ? prefix[i] : items === undefined || items === false ? {} : items, ctx, depth + 1));
}

function sampleString(schema: Record<string, unknown>, ctx: SampleContext, key: string | undefined): string {
  const format = typeof schema['format'] === 'string' ? formatSamples[schema['format']] : undefined;
  const noun = key !== undefined && properNounKeys.test(key) ? ctx.properNoun : undefined;
  let value = format ?? noun ?? ctx.phrase;
  const pattern = typeof schema['pattern'] === 'string' ? safeRegExp(schema['pattern']) : undefined;
  if (pattern !== undefined && !pattern.test(value)) value = ['demo', 'a', 'A', '0', 'a1', 'demo-1', 'x'].find((c) => pattern.test(c)) ?? value;
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  if (value.length < minLength) value = value.padEnd(minLength, '.');
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

function sampleNumber(schema: Record<string, unknown>, ctx: SampleContext, integer: boolean): number {
  const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? schema[key] : undefined);
  let value = ctx.number ?? 0;
  if (integer) value = Math.round(value);
  const step = integer ? 1 : 0.5;
  const minimum = num('minimum');
  const exclusiveMinimum = num('exclusiveMinimum');
  const maximum = num('maximum');
  const exclusiveMaximum = num('exclusiveMaximum');
  if (minimum !== undefined && value < minimum) value = integer ? Math.ceil(minimum) : minimum;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) value = integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + step;
  if (maximum !== undefined && value > maximum) value = integer ? Math.floor(maximum) : maximum;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) value = integer ? Math.ceil(exclusiveMaximum) - 1 : exclusiveMaximum - step;
  const multipleOf = num('multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) value = Math.ceil(value / multipleOf) * multipleOf;
  return value;
}
