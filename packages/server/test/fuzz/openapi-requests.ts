/**
 * Hostile requests derived from the API's own OpenAPI document: every operation it declares (path,
 * method, parameters, JSON body schema), each request a plausible one with hostile values put in:
 * NUL and lone surrogates, huge strings, wrong types, SQL and shell metacharacters, negative and
 * enormous numbers, deep nesting, broken JSON and wrong content types. Seeded, so a failure repeats.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  format?: string;
};

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema?: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema }[];
  body: Schema | undefined;
}

export interface FuzzRequest {
  operation: Operation;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Strings no API should choke on. Lone surrogates and NUL are what stores choke on. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83d\ude00\ud83d',
  '\uffff\ufffe',
  '\u202e\u0301',
  "'; DROP TABLE runs; --",
  '" OR 1=1 --',
  '%_\\',
  '$(rm -rf /)`id`',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '__proto__',
  '$event:x#1',
  'a'.repeat(1000),
  'Ａ'.repeat(20_000),
];

/** Raw (already percent-encoded) path and query values, including bytes that are not UTF-8. */
const HOSTILE_URL_VALUES = ['%00', 'a%00b', '%ED%A0%80', '%FF%FE', '%', '%zz', '..%2F..%2Fetc', '%27%3B--', '%25', '-1', '1e999', 'NaN', '0x10', '%20'];

const HOSTILE_NUMBERS = [-1, 0, -1e308, 1e308, 1.5, Number.MAX_SAFE_INTEGER + 2, -2147483649];

/** Lone surrogates cannot be percent-encoded: U+FFFD in their place, as a browser sends them. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** JSON text nested `depth` deep (built as text: JSON.stringify itself would run out of stack). */
function deepText(depth: number, random: () => number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const array = random() < 0.5;
    open += array ? '[' : '{"a":';
    close = (array ? ']' : '}') + close;
  }
  return `${open}"bottom"${close}`;
}

/** A value nested `depth` deep. */
function deep(depth: number, random: () => number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

/** The operations of the document, $refs and all. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return out;
}

export class RequestFuzzer {
  readonly #doc: OpenApiDocument;
  readonly #random: () => number;
  readonly #samples: Record<string, string[]>;

  /** `samples`: valid values by parameter name (ids of things that exist), so requests reach the handlers. */
  constructor(doc: OpenApiDocument, random: () => number, samples: Record<string, string[]>) {
    this.#doc = doc;
    this.#random = random;
    this.#samples = samples;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length)]!;
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  #resolve(schema: Schema): Schema {
    if (schema.$ref === undefined) return schema;
    return this.#doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] ?? {};
  }

  /** Any hostile value: a string, a number, a wrong type, deep nesting. */
  hostile(): unknown {
    const kind = this.#random();
    if (kind < 0.55) return this.#pick(HOSTILE_STRINGS);
    if (kind < 0.7) return this.#pick(HOSTILE_NUMBERS);
    if (kind < 0.8)
      return this.#pick([null, true, [], {}, [1, 'two'], { $baton: 'date', v: 'never' }, { $baton: 'bigint', v: '1x' }, { $baton: 'nope', v: 1 }]);
    if (kind < 0.9)
      return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } }, [this.#pick(HOSTILE_STRINGS)]: this.#pick(HOSTILE_STRINGS) };
    return deep(1 + Math.floor(this.#random() * 200), this.#random);
  }

  /** A value the schema allows (mostly), so that the hostile parts of a request are what is tested. */
  sample(schemaIn: Schema, name = '', depth = 0): unknown {
    const schema = this.#resolve(schemaIn);
    const named = this.#samples[name];
    if (named !== undefined && this.#chance(0.7)) return this.#pick(named);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum !== undefined) return this.#pick(schema.enum);
    const union = schema.anyOf ?? schema.oneOf;
    if (union !== undefined) return this.sample(this.#pick(union), name, depth);
    const type = Array.isArray(schema.type) ? this.#pick(schema.type) : schema.type;
    switch (type) {
      case 'string':
        if (schema.format === 'date-time') return new Date(Date.now() - Math.floor(this.#random() * 86_400_000)).toISOString();
        return `fuzz-${Math.floor(this.#random() * 1000)}`;
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 100, min + 100);
        return min + Math.floor(this.#random() * (max - min + 1));
      }
      case 'boolean':
        return this.#chance(0.5);
      case 'null':
        return null;
      case 'array':
        return Array.from({ length: Math.floor(this.#random() * 3) }, () => this.sample(schema.items ?? {}, '', depth + 1));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, member] of Object.entries(schema.properties ?? {})) {
          if ((schema.required ?? []).includes(key) || this.#chance(0.5)) out[key] = this.sample(member, key, depth + 1);
        }
        return out;
      }
      default:
        // Unconstrained (a payload): any JSON, sometimes with awkward strings inside.
        return depth > 2 ? this.#pick(HOSTILE_STRINGS) : { n: Math.floor(this.#random() * 100), text: this.#pick(HOSTILE_STRINGS), list: [this.hostile()] };
    }
  }

  /** Puts a hostile value somewhere in a valid value: a member, an item, or the whole of it. */
  #mutate(value: unknown, depth = 0): unknown {
    if (depth > 3 || this.#chance(0.25) || typeof value !== 'object' || value === null) return this.hostile();
    if (Array.isArray(value)) {
      if (value.length === 0) return [this.hostile()];
      const copy = [...value];
      const index = Math.floor(this.#random() * copy.length);
      copy[index] = this.#mutate(copy[index], depth + 1);
      return copy;
    }
    const copy = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || this.#chance(0.2)) copy[this.#pick([...HOSTILE_STRINGS, 'input', 'data', 'specversion'])] = this.hostile();
    else {
      const key = this.#pick(keys);
      copy[key] = this.#mutate(copy[key], depth + 1);
    }
    return copy;
  }

  #urlValue(schema: Schema, name: string): string {
    if (this.#chance(0.45)) {
      const value = this.sample(schema, name);
      return encodeURIComponent(wellFormed(typeof value === 'string' ? value : JSON.stringify(value)));
    }
    if (this.#chance(0.5)) return this.#pick(HOSTILE_URL_VALUES);
    // A hostile string as a browser would send it (lone surrogates become U+FFFD).
    return encodeURIComponent(wellFormed(this.#pick(HOSTILE_STRINGS)).slice(0, 3000));
  }

  /** One request for `operation`, hostile somewhere (or, now and then, entirely valid). */
  request(operation: Operation): Omit<FuzzRequest, 'headers'> & { headers: Record<string, string> } {
    let path = operation.path;
    for (const param of operation.pathParams) path = path.replace(`{${param.name}}`, this.#urlValue(param.schema, param.name) || 'x');
    const query = operation.queryParams
      .filter(() => this.#chance(0.4))
      .map((param) => `${encodeURIComponent(param.name)}=${this.#urlValue(param.schema, param.name)}`);
    if (this.#chance(0.05)) query.push(`${this.#pick(HOSTILE_URL_VALUES)}=${this.#pick(HOSTILE_URL_VALUES)}`);
    const url = query.length === 0 ? path : `${path}?${query.join('&')}`;
    const headers: Record<string, string> = {};
    let body: string | undefined;
    const method = this.#chance(0.02) ? this.#pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS']) : operation.method;
    if (operation.body !== undefined || (method !== 'GET' && this.#chance(0.3))) {
      const valid = this.sample(operation.body ?? { type: 'object' });
      const kind = this.#random();
      if (kind < 0.08) body = this.#pick(['{"workflow": ', '{', '[1,]', 'nul', '"\\ud800', '{"a":1}{"b":2}', '\u0000']);
      else if (kind < 0.11) body = deepText(5000, this.#random);
      else if (kind < 0.13) {
        // Deep nesting inside the payload members, which the server walks.
        const deepMember = JSON.stringify({ ...(valid as object), input: '\u0001deep', data: '\u0001deep' });
        body = deepMember.replaceAll('"\\u0001deep"', deepText(1 + Math.floor(this.#random() * 4000), this.#random));
      } else if (kind < 0.15) body = JSON.stringify({ ...(valid as object), input: 'x'.repeat(70_000) });
      else if (kind < 0.25) body = JSON.stringify(valid);
      else body = JSON.stringify(this.#mutate(valid));
      const type = this.#random();
      headers['content-type'] =
        type < 0.85
          ? 'application/json'
          : this.#pick([
              'text/plain',
              'application/xml',
              'application/cloudevents+json',
              'application/json; charset=latin1',
              'multipart/form-data; boundary=x',
              '',
            ]);
      if (headers['content-type'] === '') delete headers['content-type'];
    }
    return { operation, method, url, headers, body };
  }
}
