/**
 * Baton's extensions to the DSL, as custom function calls in Baton's namespace (`call: baton.<name>`,
 * arguments in `with`), so plain Serverless Workflow tooling still validates the file:
 * `baton.workflow` (a registered workflow as a child run), `baton.llm` (a model call), `baton.agent`
 * (a tool-using agent whose tools are workflows) and `baton.approval` (a person's answer to a form).
 * Each is made of journaled `ctx` operations (a child run, model steps, a signal wait), so it runs as
 * a compound task; `with` is evaluated on the task's input, except the JSON Schemas it holds.
 */
import type { Scope } from '../../runtime/evaluator.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import type { CompoundExecutor, RunFrame, TaskSite } from '../executor.js';
import type { BatonCall } from './baton-function.js';
import { agentCall } from './agent-call.js';
import { approvalCall } from './approval-call.js';
import { llmCall } from './llm-call.js';
import { workflowCall } from './workflow-call.js';
import { BATON_CALL_PREFIX } from '../../definition/definition.js';

/** The prefix of Baton's function names. */
export { BATON_CALL_PREFIX };

/** Baton's functions, by name after `baton.`. */
export const BATON_CALLS: ReadonlyMap<string, BatonCall> = new Map([
  ['workflow', workflowCall],
  ['llm', llmCall],
  ['agent', agentCall],
  ['approval', approvalCall],
]);

/** Fields of `with` that are JSON Schemas, never evaluated as expressions. */
const SCHEMA_FIELDS = ['schema', 'form'] as const;

/** True for a task that calls one of Baton's functions (`call: baton.<name>`). */
export function isBatonCall(task: Readonly<Record<string, unknown>>): boolean {
  return typeof task.call === 'string' && task.call.startsWith(BATON_CALL_PREFIX);
}

export const batonCallExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, scope, frame, site }) {
    const { name, args } = await batonCallArguments(task, input, scope, frame, site);
    const call = BATON_CALLS.get(name)!;
    return { output: await call({ args, input, scope, frame, site }) };
  },
};

/** The function a `call: baton.<name>` task calls (one of BATON_CALLS, else a configuration fault) and its `with`, evaluated. */
export async function batonCallArguments(
  task: Readonly<Record<string, unknown>>,
  input: unknown,
  scope: Scope,
  frame: RunFrame,
  site: TaskSite,
): Promise<{ name: string; args: Record<string, unknown> }> {
  const name = String(task.call).slice(BATON_CALL_PREFIX.length);
  if (!BATON_CALLS.has(name)) {
    throw standardFault(
      'configuration',
      `call: baton.${name} is not one of Baton's functions (${[...BATON_CALLS.keys()].map((n) => `baton.${n}`).join(', ')}).`,
      {
        instance: site.reference,
      },
    );
  }
  const written = (task.with ?? {}) as Record<string, unknown>;
  if (typeof written !== 'object' || Array.isArray(written))
    throw standardFault('configuration', `with of call: baton.${name} must be an object.`, { instance: site.reference });
  const schemas: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(written)) {
    if ((SCHEMA_FIELDS as readonly string[]).includes(key)) schemas[key] = value;
    else rest[key] = value;
  }
  const args = { ...((await frame.evaluator.template(rest, input, scope)) as Record<string, unknown>), ...schemas };
  return { name, args };
}
