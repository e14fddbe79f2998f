/**
 * The SDK's schema is DSL 1.0.0's; later 1.0.x releases added forms that it rejects. Before a task
 * is checked against the SDK's schema, those forms are rewritten into their 1.0.0 equivalents in a
 * copy (their own shape is checked here), so a valid 1.0.x definition passes.
 */
import { isObject, type Json } from './task-walk.js';
import { mcpWithIssues, type ShapeIssue } from './mcp-call-shape.js';

/** Calls added after 1.0.0: the SDK's schema has no branch for them. */
export const LATER_CALLS = ['a2a', 'mcp'] as const;

/** The checks of a later call's `with` (its own shape, which the SDK's schema cannot check), by call. */
export const LATER_CALL_CHECKS: Partial<Record<(typeof LATER_CALLS)[number], (args: Json, pointer: string) => ShapeIssue[]>> = {
  mcp: mcpWithIssues,
};

/** The task as DSL 1.0.0 would write it (a copy; the original is left as it is). */
export function asDsl100(task: Json): Json {
  const copy: Json = structuredClone(task);
  // 1.0.x: `set` may be a runtime expression that produces the object.
  if (typeof copy.set === 'string') copy.set = { value: copy.set };
  const run = copy.run;
  if (isObject(run)) {
    if (isObject(run.container)) {
      // 1.0.x: the container's stdin, arguments and pull policy.
      if (typeof run.container.stdin === 'string') delete run.container.stdin;
      if (Array.isArray(run.container.arguments)) delete run.container.arguments;
      if (typeof run.container.pullPolicy === 'string') delete run.container.pullPolicy;
    }
    for (const key of ['script', 'shell']) {
      const process = run[key];
      // 1.0.x: positional arguments (an array) and stdin.
      if (isObject(process) && Array.isArray(process.arguments)) delete process.arguments;
      if (isObject(process) && typeof process.stdin === 'string') delete process.stdin;
    }
  }
  return copy;
}
