/** Zod schemas from workflow code as JSON Schema, for the API to publish (inputs, signals). */
import { z } from '@hono/zod-openapi';
import type { AnyWorkflow } from '@baton/core';

/** The JSON Schema of the values `schema` accepts, or undefined for one JSON Schema cannot express (a transform). */
export function jsonSchemaOf(schema: unknown): unknown {
  try {
    return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' });
  } catch {
    return undefined;
  }
}

/** The signals a workflow declares (`signals` in its options), each as JSON Schema where it has one. */
export function signalSchemas(workflow: AnyWorkflow | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(workflow?.options.signals ?? {})) out[name] = jsonSchemaOf(schema) ?? {};
  return out;
}
