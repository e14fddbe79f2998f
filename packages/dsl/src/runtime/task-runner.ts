/**
 * Runs task lists and tasks: the flow directives (`then: continue | exit | end | <task>`), `if`, the
 * data flow, timeouts, and the journal. A leaf task (set, raise, call, emit, switch's decision…) is
 * ONE step named by its JSON pointer, holding its whole evaluation; a compound task (do, for, fork,
 * try, wait, listen) journals its own data flow in a step named by its pointer (only when it has
 * one), and an `<pointer> output` step for its output transformations.
 */
import type { Flow, LeafExecutor, TaskDefinition, TaskExecutor, TaskList, RunFrame, TaskSite, SimulationHooks } from '../tasks/executor.js';
import { executorFor, taskKind } from '../tasks/registry.js';
import { durationMs } from './duration.js';
import { exportedContext, isPlainFlow, taskInput, taskOutput } from './data-flow.js';
import type { Scope } from './evaluator.js';
import { faultAt, isFault } from './faults.js';
import { fusedSetProgram, type FusedResult } from './fused-set.js';
import { guardedStep, withTimeout } from './journaled.js';
import { scopeOf, stepName } from './run-frame.js';
import { standardFault } from './workflow-fault.js';

type FlowTask = TaskDefinition & { if?: string; input?: object; output?: object; export?: object; then?: string; timeout?: unknown };

/** Runs a task list from its first task, following flow directives. */
export async function runList(frame: RunFrame, list: TaskList, pointer: string, input: unknown, vars: Scope, qualifier: string): Promise<Flow> {
  let value = input;
  let index = 0;
  while (index < list.length) {
    const [name, task] = onlyEntry(list[index]!, `${pointer}/${index}`);
    const site: TaskSite = { name, reference: `${pointer}/${index}/${name}`, qualifier, vars };
    const flow = await runTask(frame, site, task as FlowTask, value);
    value = flow.output;
    if (flow.end === true) return flow;
    const then = flow.then ?? (task as FlowTask).then ?? 'continue';
    if (then === 'continue') index++;
    else if (then === 'exit') break;
    else if (then === 'end') return { output: value, end: true };
    else {
      const target = list.findIndex((item) => Object.keys(item)[0] === then);
      if (target < 0) throw standardFault('configuration', `'then: ${then}' names no task of this list.`, { instance: site.reference });
      index = target;
    }
  }
  return { output: value };
}

/** Runs one task on its raw input. (Not async itself: a production task costs no extra promise.) */
export function runTask(frame: RunFrame, site: TaskSite, task: FlowTask, raw: unknown): Promise<Flow> {
  const kind = taskKind(task);
  if (frame.simulation !== undefined) return observedTask(frame, frame.simulation, site, task, raw, kind);
  return performTask(frame, site, task, raw, kind, executorFor(kind));
}

/** A task of a simulated run: its kind's stand-in executor when there is one, and the observer told how it went. */
async function observedTask(frame: RunFrame, hooks: SimulationHooks, site: TaskSite, task: FlowTask, raw: unknown, kind: string | undefined): Promise<Flow> {
  const replacement = kind === undefined ? undefined : hooks.executors.get(kind);
  const token = hooks.taskStarted(site, kind ?? 'unknown');
  let flow: Flow;
  try {
    flow = await performTask(frame, site, task, raw, kind, replacement ?? executorFor(kind));
  } catch (error) {
    hooks.taskEnded(token, { status: 'faulted', error });
    throw error;
  }
  const then = flow.end === true ? 'end' : (flow.then ?? task.then);
  hooks.taskEnded(token, {
    status: flow.skipped === true ? 'skipped' : 'completed',
    flow,
    ...(then === undefined || then === 'continue' ? {} : { then }),
  });
  return flow;
}

async function performTask(
  frame: RunFrame,
  site: TaskSite,
  task: FlowTask,
  raw: unknown,
  kind: string | undefined,
  executor: TaskExecutor | undefined,
): Promise<Flow> {
  if (executor === undefined) {
    throw standardFault('configuration', `Tasks of kind '${kind ?? 'unknown'}' are not supported by this runtime.`, { instance: site.reference });
  }
  const timeoutMs = taskTimeout(frame, task, site);
  if (executor.kind === 'leaf') {
    return frame.ctx
      .step(
        stepName(site),
        async ({ signal, idempotencyKey }) => {
          try {
            const fused = kind === 'set' ? fusedSetProgram(task, frame.evaluator) : undefined;
            if (fused !== undefined) return await fusedEvaluation(frame, site, task, raw, fused);
            return await leafEvaluation(frame, site, task, raw, { signal, idempotencyKey }, executor.perform.bind(executor));
          } catch (error) {
            throw faultAt(error, site.reference);
          }
        },
        { retry: { maxAttempts: 1 }, ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) },
      )
      .then(
        (result) => {
          if (result.context !== undefined) frame.shared.context = result.context;
          if (frame.simulation !== undefined) return simulatedFlow(result);
          return result.then === undefined ? { output: result.output } : { output: result.output, then: result.then };
        },
        (error: unknown) => {
          throw faultAt(error, site.reference);
        },
      );
  }
  const body = compoundEvaluation(frame, site, task, raw, (input, scope) =>
    executor.perform({
      task,
      input,
      scope,
      frame,
      site,
      runList: (list, pointer, value, options = {}) =>
        runList(frame, list, pointer, value, { ...site.vars, ...options.vars }, options.qualifier ?? site.qualifier),
      runTask: (name, definition, reference, value, options = {}) =>
        runTask(
          options.ctx === undefined ? frame : { ...frame, ctx: options.ctx },
          { name, reference, qualifier: options.qualifier ?? site.qualifier, vars: { ...site.vars, ...options.vars } },
          definition as FlowTask,
          value,
        ),
    }),
  );
  try {
    return await (timeoutMs === undefined ? body : withTimeout(frame, site, body, timeoutMs));
  } catch (error) {
    // A DSL error gets this task as its instance when nothing deeper claimed it; engine errors pass as they are.
    if (isFault(error)) throw faultAt(error, site.reference);
    throw error;
  }
}

/** What a leaf task's step journals. */
interface LeafResult {
  output: unknown;
  context?: unknown;
  then?: string;
  /** Journaled only in simulations: the run's path shows them after a replay too. */
  skipped?: boolean;
  branch?: string;
  answeredBy?: string;
}

/** A leaf's journaled result as the flow a simulation's observer reads. */
function simulatedFlow(result: LeafResult): Flow {
  const flow: Flow = { output: result.output };
  if (result.then !== undefined) flow.then = result.then;
  if (result.skipped === true) flow.skipped = true;
  if (result.branch !== undefined) flow.branch = result.branch;
  if (result.answeredBy !== undefined) flow.answeredBy = result.answeredBy;
  return flow;
}

/** The result of a task whose `if` did not hold (marked so only in simulations: production journals stay as they were). */
function skippedResult(frame: RunFrame, raw: unknown): LeafResult {
  return frame.simulation === undefined ? { output: raw } : { output: raw, skipped: true };
}

async function leafEvaluation(
  frame: RunFrame,
  site: TaskSite,
  task: FlowTask,
  raw: unknown,
  step: { signal: AbortSignal; idempotencyKey: string },
  perform: LeafExecutor['perform'],
): Promise<LeafResult> {
  const descriptor: Record<string, unknown> = { name: site.name, reference: site.reference, definition: task, input: raw, startedAt: new Date().toISOString() };
  let scope = scopeOf(frame, site, { input: raw, task: descriptor });
  if (task.if !== undefined && !(await frame.evaluator.test(task.if, raw, scope))) return skippedResult(frame, raw);
  const what = `task ${site.reference}`;
  const input = await taskInput(frame, task.input, raw, scope, what);
  descriptor.input = input;
  scope = { ...scope, input };
  const result = await perform({ task, input, scope, frame, site, ...step });
  const output = await taskOutput(frame, task.output, result.output, scope, what);
  descriptor.output = output;
  const context = await exportedContext(frame, task.export, output, scope, what);
  const out: LeafResult = { output };
  if (context !== undefined) out.context = context;
  if (result.then !== undefined) out.then = result.then;
  if (frame.simulation !== undefined) {
    if (result.branch !== undefined) out.branch = result.branch;
    if (result.answeredBy !== undefined) out.answeredBy = result.answeredBy;
  }
  return out;
}

/** A `set` task evaluated by its one fused jq program (see fused-set.ts). */
async function fusedEvaluation(frame: RunFrame, site: TaskSite, task: FlowTask, raw: unknown, program: string): Promise<LeafResult> {
  const scope = scopeOf(frame, site, { input: raw, task: null });
  const result = (await frame.evaluator.program(program, raw, scope)) as FusedResult;
  if (result.skip) return skippedResult(frame, raw);
  return result.context === undefined ? { output: result.output } : { output: result.output, context: result.context };
}

async function compoundEvaluation(
  frame: RunFrame,
  site: TaskSite,
  task: FlowTask,
  raw: unknown,
  perform: (input: unknown, scope: Scope) => Promise<Flow>,
): Promise<Flow> {
  const plain = isPlainFlow(task);
  const what = `task ${site.reference}`;
  const descriptor = { name: site.name, reference: site.reference, definition: task, input: raw };
  let input = raw;
  if (!plain.entry) {
    const entry = await guardedStep(frame, stepName(site), site.reference, async () => {
      const scope = scopeOf(frame, site, { input: raw, task: descriptor });
      if (task.if !== undefined && !(await frame.evaluator.test(task.if, raw, scope))) return { skip: true, input: raw };
      return { skip: false, input: await taskInput(frame, task.input, raw, scope, what) };
    });
    if (entry.skip) return { output: raw, skipped: true };
    input = entry.input;
  }
  const taskScope = scopeOf(frame, site, { input, task: { ...descriptor, input } });
  const flow = await perform(input, taskScope);
  if (plain.exit || flow.end === true) return flow;
  const exit = await guardedStep(frame, stepName(site, 'output'), site.reference, async () => {
    const scope = { ...taskScope, context: frame.shared.context };
    const output = await taskOutput(frame, task.output, flow.output, scope, what);
    return { output, context: (await exportedContext(frame, task.export, output, scope, what)) as unknown };
  });
  if (exit.context !== undefined) frame.shared.context = exit.context;
  return { ...flow, output: exit.output };
}

function taskTimeout(frame: RunFrame, task: FlowTask, site: TaskSite): number | undefined {
  if (task.timeout === undefined) return undefined;
  let timeout = task.timeout;
  if (typeof timeout === 'string') {
    const named = (frame.document.use?.timeouts as Record<string, unknown> | undefined)?.[timeout];
    if (named === undefined) throw standardFault('configuration', `The timeout '${timeout}' is not declared in use.timeouts.`, { instance: site.reference });
    timeout = named;
  }
  return durationMs((timeout as { after?: unknown }).after, `The timeout of ${site.reference}`);
}

function onlyEntry(item: Readonly<Record<string, TaskDefinition>>, pointer: string): [string, TaskDefinition] {
  const entries = Object.entries(item);
  if (entries.length !== 1) throw standardFault('configuration', `Each item of a task list must name exactly one task.`, { instance: pointer });
  return entries[0]!;
}
