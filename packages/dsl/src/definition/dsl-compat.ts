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

/** The A2A methods (v0.3 names, as the reference lists them) Baton runs for `call: a2a`. */
export const A2A_CALL_METHODS = ['message/send', 'message/stream', 'tasks/get', 'tasks/cancel', 'tasks/resubscribe'] as const;
/** Methods the reference lists that Baton does not run. */
const A2A_OTHER_METHODS = [
  'tasks/list',
  'tasks/pushNotificationConfig/set',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
  'tasks/pushNotificationConfig/delete',
  'agent/getAuthenticatedExtendedCard',
];

const isEndpoint = (value: unknown): boolean => typeof value === 'string' || (isObject(value) && typeof value.uri === 'string');

/** What is wrong with the `with` of a `call: a2a` task (1.0.x's "A2A Call"), each with the key it is about. */
export function a2aCallProblems(args: Json): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const method = args.method;
  if (typeof method !== 'string') {
    problems.push({ key: 'method', message: `'method' is required: one of ${A2A_CALL_METHODS.join(', ')}` });
  } else if (!(A2A_CALL_METHODS as readonly string[]).includes(method)) {
    const listed = A2A_OTHER_METHODS.includes(method) ? 'is not run by Baton' : 'is not an A2A method';
    problems.push({ key: 'method', message: `method '${method}' ${listed}: use one of ${A2A_CALL_METHODS.join(', ')}` });
  }
  if (args.agentCard === undefined && args.server === undefined) {
    problems.push({ key: 'agentCard', message: "give 'agentCard' ({ endpoint: <agent card URL> }) or 'server' (the agent's endpoint URI)" });
  }
  if (args.agentCard !== undefined && !(isObject(args.agentCard) && isEndpoint(args.agentCard.endpoint))) {
    problems.push({ key: 'agentCard', message: "'agentCard' must be { endpoint: <URI or { uri }> }" });
  }
  if (args.server !== undefined && !isEndpoint(args.server)) problems.push({ key: 'server', message: "'server' must be a URI or { uri }" });
  if (args.parameters !== undefined && !isObject(args.parameters) && typeof args.parameters !== 'string') {
    problems.push({ key: 'parameters', message: "'parameters' must be an object or a runtime expression" });
  }
  return problems;
}

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
