/** Short builders for the benchmark catalog's JSON Schemas and entries, so each entry reads as what it is. */
import type { CatalogWorkflowEntry, JsonSchema } from '@baton/dsl';

export const text = (description?: string): JsonSchema => ({ type: 'string', ...(description === undefined ? {} : { description }) });
export const email: JsonSchema = { type: 'string', format: 'email' };
export const date: JsonSchema = { type: 'string', format: 'date' };
export const money: JsonSchema = { type: 'number', minimum: 0 };
export const currency: JsonSchema = { type: 'string', minLength: 3, maxLength: 3, description: 'ISO 4217 code' };
export const count: JsonSchema = { type: 'integer', minimum: 0 };
export const flag: JsonSchema = { type: 'boolean' };
export const oneOf = (...values: string[]): JsonSchema => ({ type: 'string', enum: values });
export const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** An output object: every property listed is present, and more may come. */
export const result = (properties: Record<string, JsonSchema>): JsonSchema => object(properties, [], false);

/**
 * An object schema. Every property is required unless named in `optional`; inputs refuse unknown
 * keys (as a zod object of a TypeScript workflow does), so a call that passes a wrong key is caught.
 */
export function object(properties: Record<string, JsonSchema>, optional: readonly string[] = [], closed = true): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    ...(closed ? { additionalProperties: false } : {}),
  };
}

/** A TypeScript workflow of the deployment, as the catalog lists it. */
export function workflow(
  name: string,
  description: string,
  inputSchema: JsonSchema,
  outputSchema: JsonSchema,
  extra: { version?: string; kind?: 'code' | 'definition'; signals?: Record<string, JsonSchema> } = {},
): CatalogWorkflowEntry {
  return {
    name,
    version: extra.version ?? '1.0.0',
    kind: extra.kind ?? 'code',
    description,
    inputSchema,
    outputSchema,
    ...(extra.signals === undefined ? {} : { signals: extra.signals }),
  };
}
