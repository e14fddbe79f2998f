/**
 * The tools an agent can use. Each call of a tool is journaled on its own: a function runs as a step
 * (with its retries), a workflow as a child run, and a human approval waits for an operator's
 * signal, so a crash resumes after the last completed call and never repeats one.
 */
import { z, type ZodType } from 'zod';
import type { AnyWorkflow, RetryPolicy, StepInfo, Workflow } from '@baton/core';

/**
 * A tool's input described by a JSON Schema instead of zod (tools that come from elsewhere, such as
 * an MCP server's): the model is shown the schema, and the input reaches `execute` unchecked but for
 * being an object; the tool itself checks it.
 */
export interface JsonSchemaInput {
  jsonSchema: Record<string, unknown>;
}

/** A function tool, its types erased (agentTool checks them where it is defined). */
export interface FunctionTool {
  kind: 'function';
  description: string;
  input: ZodType | JsonSchemaInput;
  execute: (input: unknown, info: StepInfo) => unknown;
  retry?: RetryPolicy;
}

export interface WorkflowTool {
  kind: 'workflow';
  description: string;
  workflow: AnyWorkflow;
  input: ZodType;
}

export interface ApprovalTool {
  kind: 'approval';
  description: string;
  /** What the model submits for approval (shown to the operator in the run's progress). */
  input: ZodType;
  /** The signal the operator sends: `{ approved: boolean, comment?: string, by?: string }`. Default: the tool's name. */
  signal?: string;
}

export type AgentTool = FunctionTool | WorkflowTool | ApprovalTool;

/** A function the model may call, run as a journaled step (retried by `retry`). */
export function agentTool<I, O>(definition: {
  description: string;
  input: ZodType<I>;
  execute: (input: I, info: StepInfo) => O | Promise<O>;
  retry?: RetryPolicy;
}): FunctionTool {
  // The model's input is parsed with `input` before `execute` sees it.
  return { kind: 'function', ...definition, input: definition.input, execute: definition.execute as (input: unknown, info: StepInfo) => unknown };
}

/** Is this tool input a JSON Schema (not zod)? */
export function isJsonSchemaInput(input: ZodType | JsonSchemaInput): input is JsonSchemaInput {
  return 'jsonSchema' in input && !('safeParse' in input);
}

/** A workflow the model may start and wait for, as a child run. Its input schema describes the tool. */
export function workflowTool<I, O>(workflow: Workflow<I, O>, options: { description?: string; input?: ZodType } = {}): WorkflowTool {
  const input = options.input ?? (workflow.options.input as ZodType | undefined) ?? z.object({}).loose();
  return { kind: 'workflow', description: options.description ?? workflow.options.description ?? `Runs the workflow '${workflow.name}'.`, workflow, input };
}

/**
 * A decision the model must ask a person for: the run waits until an operator sends the signal
 * (`{ approved, comment?, by? }`), and the model gets the decision back as the tool's result.
 */
export function humanApproval(options: { description: string; input?: ZodType; signal?: string }): ApprovalTool {
  return {
    kind: 'approval',
    description: options.description,
    input: options.input ?? z.object({ request: z.string().describe('What to approve, in a sentence') }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** An operator's answer to an approval. */
export const ApprovalDecision = z.object({ approved: z.boolean(), comment: z.string().max(10_000).optional(), by: z.string().max(200).optional() });
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;
