/**
 * Calls `performCall` the way the interpreter does, for tests: `evaluate` runs the runtime
 * expressions in a value (deeply) with real jq against the task input, with `$secrets` bound.
 */
import { evaluateAll, isRuntimeExpression, loadJq } from '../../src/index.js';
import { performCall, type CallRequest } from '../../src/tasks/call/perform-call.js';
import type { InterpreterOptions } from '../../src/runtime/interpreter-options.js';
import type { WorkflowDocument } from '../../src/definition/definition.js';
import { WorkflowFault, type WorkflowErrorObject } from '../../src/runtime/workflow-fault.js';

export interface CallSetup {
  options?: InterpreterOptions;
  use?: WorkflowDocument['use'];
  signal?: AbortSignal;
}

export async function call(
  request: Omit<CallRequest, 'reference' | 'input'> & { reference?: string; input?: unknown },
  setup: CallSetup = {},
): Promise<unknown> {
  const jq = await loadJq();
  const options = setup.options ?? {};
  const input = request.input ?? {};
  const evaluate = (value: unknown): unknown => {
    if (isRuntimeExpression(value)) return evaluateAll(jq, value, input, { input, secrets: options.secrets ?? {} })[0] ?? null;
    if (Array.isArray(value)) return value.map(evaluate);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, evaluate(entry)]));
    return value;
  };
  return performCall(
    { reference: '/do/0/task', ...request, input },
    { options, use: setup.use, signal: setup.signal ?? new AbortController().signal, evaluate: (value) => Promise.resolve(evaluate(value)) },
  );
}

/** The DSL error object of the WorkflowFault a promise rejects with (fails the test otherwise). */
export async function faultOf(promise: Promise<unknown>): Promise<WorkflowErrorObject> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowFault) return error.error;
    throw error;
  }
  throw new Error('expected a WorkflowFault, but the call succeeded');
}
