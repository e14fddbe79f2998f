/**
 * The DSL's data flow around a task (spec "Data Flow"): the raw input is validated by
 * `input.schema` and transformed by `input.from`; the raw output is transformed by `output.as` and
 * validated by `output.schema`; `export.as` makes the new `$context`, validated by `export.schema`.
 * Pure: the caller decides where this runs (inside the task's step).
 */
import type { Scope } from './evaluator.js';
import type { RunFrame } from '../tasks/executor.js';

interface Transform {
  schema?: unknown;
  from?: unknown;
  as?: unknown;
}

/** A transformation (`input.from`, `output.as`, `export.as`): a string is an expression (`${ }` optional), anything else a template. */
export async function transform(frame: RunFrame, expression: unknown, value: unknown, scope: Scope): Promise<unknown> {
  if (expression === undefined) return value;
  if (typeof expression === 'string') return frame.evaluator.expression(expression, value, scope);
  return frame.evaluator.template(expression, value, scope);
}

/** The task's transformed input. */
export async function taskInput(frame: RunFrame, input: Transform | undefined, raw: unknown, scope: Scope, what: string): Promise<unknown> {
  if (input === undefined) return raw;
  frame.schemas.check(input.schema, raw, `The input of ${what}`);
  return transform(frame, input.from, raw, scope);
}

/** The task's transformed output. */
export async function taskOutput(frame: RunFrame, output: Transform | undefined, raw: unknown, scope: Scope, what: string): Promise<unknown> {
  if (output === undefined) return raw;
  const value = await transform(frame, output.as, raw, { ...scope, output: raw });
  frame.schemas.check(output.schema, value, `The output of ${what}`);
  return value;
}

/** The new `$context` after the task, or undefined when the task exports nothing. */
export async function exportedContext(frame: RunFrame, exported: Transform | undefined, output: unknown, scope: Scope, what: string): Promise<unknown> {
  if (exported?.as === undefined) return undefined;
  const context = await transform(frame, exported.as, output, { ...scope, output });
  frame.schemas.check(exported.schema, context, `The context exported by ${what}`);
  return context;
}

/** True when the data flow of a task needs no evaluation at all (so a compound task journals nothing for it). */
export function isPlainFlow(task: { if?: unknown; input?: Transform; output?: Transform; export?: Transform }): { entry: boolean; exit: boolean } {
  return {
    entry: task.if === undefined && task.input === undefined,
    exit: task.output === undefined && task.export === undefined,
  };
}
