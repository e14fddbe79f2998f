/**
 * `call`: the task's step evaluates `with` (all but `with.authentication`, which the call evaluates
 * itself) and performs the call; the data flow around it is the task runner's.
 *
 * A call of a function declared in `use.functions` runs that function's own call: the evaluated
 * arguments (`with`) are the function's input, against which its own `with` is evaluated. Functions
 * are calls (http, openapi, grpc…), and may call other declared functions; a cycle is refused.
 */
import { standardFault } from '../runtime/workflow-fault.js';
import { performCall } from './call/perform-call.js';
import type { LeafExecutor, LeafInvocation } from './executor.js';

type TaskDefinition = Readonly<Record<string, unknown>>;

export const callExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform(invocation) {
    const { frame, site, signal } = invocation;
    const resolved = await resolveCall(invocation);
    const output = await performCall(
      { call: resolved.call, with: resolved.with, input: resolved.input, reference: site.reference },
      {
        options: frame.options,
        use: frame.document.use,
        signal,
        evaluate: (value) => frame.evaluator.template(value, resolved.input, invocation.scope),
      },
    );
    return { output };
  },
};

/** A call with its functions followed: the call kind (http, openapi, grpc…), its evaluated `with` (authentication as written), and the input it was evaluated on. */
export interface ResolvedCall {
  readonly call: string;
  readonly with: Record<string, unknown>;
  readonly input: unknown;
}

/** Follows `use.functions` to the call a task makes and evaluates its arguments (a simulation answers the same call without making it). */
export async function resolveCall({ task, input, scope, frame }: Pick<LeafInvocation, 'task' | 'input' | 'scope' | 'frame'>): Promise<ResolvedCall> {
  const functions = (frame.document.use?.functions ?? {}) as Readonly<Record<string, TaskDefinition>>;
  let call = String(task.call);
  let args = task.with;
  let callInput = input;
  const seen = new Set<string>();
  while (Object.hasOwn(functions, call)) {
    if (seen.has(call)) throw standardFault('configuration', `The functions ${[...seen].join(' → ')} → ${call} call each other in a cycle.`);
    seen.add(call);
    const fn = functions[call]!;
    if (typeof fn.call !== 'string') {
      throw standardFault(
        'configuration',
        `The function '${call}' is not a call task: Baton runs functions declared in use.functions that call http, openapi or grpc.`,
      );
    }
    callInput = args === undefined ? callInput : await frame.evaluator.template(args, callInput, scope);
    call = fn.call;
    args = fn.with;
  }
  const { authentication, ...rest } = (args ?? {}) as Record<string, unknown>;
  const evaluated = (await frame.evaluator.template(rest, callInput, scope)) as Record<string, unknown>;
  if (authentication !== undefined) evaluated.authentication = authentication;
  return { call, with: evaluated, input: callInput };
}
