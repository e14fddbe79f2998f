/**
 * Sample values from JSON Schemas, for tasks a simulation answers from a schema: a call's
 * `output.schema`, a called workflow's output schema in the catalog, a model's `with.schema`, an
 * approval's form. The values are deterministic and satisfy the schema; where it leaves room they
 * echo a text (the task's name, a prompt, an approval's title).
 */
import { sampleFromSchema, type JsonSchema } from '@baton/ai/testing';

/** A value that satisfies the JSON Schema `schema`. */
export function sampleOf(schema: unknown, text: string): unknown {
  return sampleFromSchema(schema as JsonSchema, text);
}

/** The JSON Schema inside a DSL schema (`{ format: 'json', document }`), when it is an inline JSON Schema. */
export function dslSchemaDocument(schema: unknown): object | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const { format, document } = schema as { format?: unknown; document?: unknown };
  if (format !== undefined && (typeof format !== 'string' || !format.startsWith('json'))) return undefined;
  return typeof document === 'object' && document !== null && !Array.isArray(document) ? document : undefined;
}

/** The JSON Schema a task's raw output can be sampled from: its `output.schema`, unless `output.as` reshapes the raw output first. */
export function outputSchemaOf(task: Readonly<Record<string, unknown>>): object | undefined {
  const output = task.output as { as?: unknown; schema?: unknown } | undefined;
  if (output === undefined || output.as !== undefined) return undefined;
  return dslSchemaDocument(output.schema);
}
