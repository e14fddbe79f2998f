/**
 * JSON Schemas as the planner checks them: the catalog's input schemas (compiled once per check),
 * the schemas a definition writes (an approval's `form`, a model call's `schema`), and values that
 * may hold runtime expressions checked against a schema. An expression's value is known only when
 * the run gets there, so it matches anything: only what is written literally can be wrong (a
 * missing required key, a key the schema does not allow, a literal of the wrong type or value).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';
import { isRuntimeExpression } from '../expressions/expression.js';

// ajv-formats is CommonJS: its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** One way a value does not fit its schema: where (a pointer inside the value) and why. */
export interface ValueProblem {
  /** Where the problem is (the offending property, or the object missing one). */
  readonly pointer: string;
  /** The object whose schema says what is allowed there (for messages that list its properties). */
  readonly object: string;
  readonly message: string;
}

/** Compiles schemas for one check; not shared between checks, so nothing lives at module level. */
export class SchemaChecker {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true });
  readonly #compiled = new WeakMap<object, ValidateFunction | string>();

  constructor() {
    addFormats(this.#ajv);
  }

  /** Why `schema` is not a JSON Schema Baton can use, or undefined when it is. */
  schemaProblem(schema: unknown): string | undefined {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return 'it is not an object (a JSON Schema is a mapping such as { type: object, properties: … })';
    const compiled = this.#compile(schema);
    if (typeof compiled === 'string') return compiled;
    try {
      z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return undefined;
  }

  /**
   * What is wrong with `value` against `schema`, counting every runtime expression as fitting. A
   * schema that does not compile gives no problems (the catalog's schemas are trusted as they come).
   */
  valueProblems(schema: unknown, value: unknown): ValueProblem[] {
    if (typeof schema !== 'object' || schema === null || isRuntimeExpression(value)) return [];
    const validate = this.#compile(schema);
    if (typeof validate === 'string') return [];
    const expressions = expressionPointers(value, '');
    if (validate(value)) return [];
    const errors = (validate.errors ?? []).filter((error) => !excused(error, expressions));
    return errors.map((error) => {
      const params = error.params as Record<string, unknown>;
      const at = error.instancePath;
      if (error.keyword === 'required') return { pointer: at, object: at, message: describe(error) };
      if (error.keyword === 'additionalProperties')
        return { pointer: `${at}/${escape(String(params.additionalProperty))}`, object: at, message: describe(error) };
      return { pointer: at, object: at.slice(0, Math.max(0, at.lastIndexOf('/'))), message: describe(error) };
    });
  }

  #compile(schema: object): ValidateFunction | string {
    const cached = this.#compiled.get(schema);
    if (cached !== undefined) return cached;
    let compiled: ValidateFunction | string;
    try {
      // `$schema` names a draft; the 2020-12 validator reads the keywords the drafts share.
      const { $schema: _draft, ...rest } = schema as Record<string, unknown>;
      compiled = this.#ajv.compile(rest);
    } catch (error) {
      compiled = error instanceof Error ? error.message : String(error);
    }
    this.#compiled.set(schema, compiled);
    return compiled;
  }
}

/** Pointers (inside the value) of every runtime expression in it. */
function expressionPointers(value: unknown, pointer: string): string[] {
  if (isRuntimeExpression(value)) return [pointer];
  if (Array.isArray(value)) return value.flatMap((item: unknown, index) => expressionPointers(item, `${pointer}/${index}`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => expressionPointers(item, `${pointer}/${escape(key)}`));
  }
  return [];
}

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Keywords that combine sub-results: an expression inside makes their verdict unknown. */
const COMBINING = new Set(['anyOf', 'oneOf', 'not', 'if', 'contains', 'minItems', 'maxItems', 'uniqueItems']);

/** An error about an expression (or about a value holding one, through a combining keyword) says nothing. */
function excused(error: ErrorObject, expressions: readonly string[]): boolean {
  const at = error.instancePath;
  if (expressions.some((pointer) => at === pointer || at.startsWith(`${pointer}/`))) return true;
  if (COMBINING.has(error.keyword)) return expressions.some((pointer) => pointer.startsWith(`${at}/`));
  return false;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `required property '${String(params.missingProperty)}' is missing`;
    case 'additionalProperties':
      return `property '${String(params.additionalProperty)}' is not allowed`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return error.message ?? `fails '${error.keyword}'`;
  }
}

/** A short account of what an object schema takes, for messages: `sku (string, required), quantity (integer)`. */
export function schemaSummary(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'any value';
  const { properties, required, type } = schema as { properties?: unknown; required?: unknown; type?: unknown };
  if (typeof properties !== 'object' || properties === null) return typeof type === 'string' ? `a ${type}` : 'any value';
  const needed = new Set(Array.isArray(required) ? required.filter((key): key is string => typeof key === 'string') : []);
  const parts = Object.entries(properties).map(([key, property]) => {
    const kind = typeof property === 'object' && property !== null ? typeOf(property as Record<string, unknown>) : undefined;
    const notes = [kind, needed.has(key) ? 'required' : undefined].filter((note) => note !== undefined);
    return notes.length === 0 ? key : `${key} (${notes.join(', ')})`;
  });
  return parts.length === 0 ? 'an object with no properties' : parts.join(', ');
}

function typeOf(property: Record<string, unknown>): string | undefined {
  if (Array.isArray(property.enum)) return `one of ${JSON.stringify(property.enum)}`;
  if (typeof property.type === 'string') return property.type;
  if (Array.isArray(property.type)) return property.type.join(' or ');
  return undefined;
}
