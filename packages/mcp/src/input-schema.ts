/**
 * A workflow's input as an MCP tool's input schema. MCP requires an object schema: a workflow whose
 * input is an object offers its own schema; any other input (a string, a list) is wrapped as the
 * `input` property of an object, and unwrapped again when the tool is called.
 */
import { z } from 'zod';
import type { AnyWorkflow } from '@baton/core';

export interface ToolInput {
  /** JSON Schema of the tool's arguments (`type: 'object'`). */
  schema: { type: 'object'; [key: string]: unknown };
  /** True when the workflow's input is the `input` argument rather than the arguments themselves. */
  wrapped: boolean;
}

export function toolInput(workflow: AnyWorkflow): ToolInput {
  const input = workflow.options.input as z.ZodType | undefined;
  // A workflow without a schema takes any object.
  if (input === undefined) return { schema: { type: 'object' }, wrapped: false };
  // io 'input': what a caller sends (before defaults and transforms); parts JSON Schema cannot say are left open.
  return toolInputOf(z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }));
}

/**
 * The tool input for a workflow's input JSON Schema (as the store's workflow catalog keeps it for
 * workflows this process has no code for); undefined or a schema that is not an object takes any object.
 */
export function toolInputOf(jsonSchema: unknown): ToolInput {
  if (typeof jsonSchema !== 'object' || jsonSchema === null || Array.isArray(jsonSchema)) return { schema: { type: 'object' }, wrapped: false };
  const { $schema: _ignored, ...schema } = jsonSchema as Record<string, unknown>;
  if (schema.type === 'object') return { schema: { ...schema, type: 'object' }, wrapped: false };
  return { schema: { type: 'object', properties: { input: schema }, required: ['input'], additionalProperties: false }, wrapped: true };
}

/** The workflow's input from a tool call's arguments. */
export function workflowInput(tool: ToolInput, args: Record<string, unknown> | undefined): unknown {
  if (tool.wrapped) return args?.input;
  return args ?? {};
}
