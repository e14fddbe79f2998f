/**
 * The checks of one planned definition against its scenario: it validates with the catalog, it calls
 * the workflows the paragraph names, it has the approvals asked for, and each branch case, simulated
 * with `simulate()` (nothing leaves the process), goes through what it must and avoids what it must
 * not. Each check is one line of the report, so a failure says which part of the paragraph was missed.
 */
import { sampleFromSchema } from '@baton/ai/testing';
import type { Store } from '@baton/core';
import { parseDefinition, simulate, type Definition, type PlanningCatalog, type Scenario, type ScenarioAnswer, type SimulationResult } from '@baton/dsl';
import { approvalAnswer } from './approval-answer.js';
import { calledWorkflows, definitionTasks, type FoundTask } from './definition-tasks.js';
import { APPROVAL, type BranchCase, type CheckOutcome, type PlannerScenario } from './scenario-types.js';

export interface CheckContext {
  readonly catalog: PlanningCatalog;
  /** A fresh private store for each simulation. */
  readonly store: () => Store | Promise<Store>;
}

/** Runs every check of `scenario` on a planned definition's text (undefined when the plan produced none). */
export async function checkPlan(scenario: PlannerScenario, text: string | undefined, context: CheckContext): Promise<CheckOutcome[]> {
  const names = checkNames(scenario);
  if (text === undefined) return names.map((check) => ({ check, passed: false, detail: 'no definition' }));
  const parsed = await parseDefinition(text, { catalog: context.catalog });
  if (!parsed.ok) {
    const detail = `${parsed.issues.length} issue(s), first: ${parsed.issues[0]?.message ?? ''}`;
    return names.map((check) => ({ check, passed: false, detail }));
  }
  const definition = parsed.definition;
  const tasks = definitionTasks(definition.document);
  const called = calledWorkflows(tasks);
  const outcomes: CheckOutcome[] = [{ check: 'valid', passed: true }];
  for (const name of scenario.calls) {
    outcomes.push({ check: `calls ${name}`, passed: called.has(name), ...(called.has(name) ? {} : { detail: 'never called' }) });
  }
  const approvals = tasks.filter((task) => task.approval).length;
  outcomes.push({
    check: `approvals = ${scenario.approvals}`,
    passed: approvals === scenario.approvals,
    ...(approvals === scenario.approvals ? {} : { detail: `${approvals} approval task(s)` }),
  });
  for (const branch of scenario.branches) {
    for (const branchCase of branch.cases) {
      const check = `branch: ${branch.what} / ${branchCase.label}`;
      const failure = await simulateCase(definition, tasks, scenario, branchCase, context);
      outcomes.push({ check, passed: failure === undefined, ...(failure === undefined ? {} : { detail: failure }) });
    }
  }
  return outcomes;
}

/** The names of a scenario's checks, in report order. */
export function checkNames(scenario: PlannerScenario): string[] {
  return [
    'valid',
    ...scenario.calls.map((name) => `calls ${name}`),
    `approvals = ${scenario.approvals}`,
    ...scenario.branches.flatMap((branch) => branch.cases.map((c) => `branch: ${branch.what} / ${c.label}`)),
  ];
}

/** Simulates one case; undefined when it went where it must, else what went wrong. */
async function simulateCase(
  definition: Definition,
  tasks: readonly FoundTask[],
  scenario: PlannerScenario,
  branchCase: BranchCase,
  context: CheckContext,
): Promise<string | undefined> {
  let result: SimulationResult;
  try {
    result = await simulate(definition, caseInput(definition, branchCase.input), {
      scenario: simulationScenario(tasks, scenario, branchCase),
      store: context.store,
      catalog: context.catalog,
    });
  } catch (error) {
    return `simulation threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (result.status === 'invalid') return `invalid: ${result.issues?.[0]?.message ?? ''}`;
  if (result.status === 'stopped') return `stopped: ${result.error?.detail ?? result.error?.title ?? ''}`;
  if (result.status === 'faulted' && branchCase.mayFault !== true) {
    return `faulted: ${result.error?.title ?? ''}${result.error?.detail === undefined ? '' : ` (${result.error.detail})`}`;
  }
  const byReference = new Map(tasks.map((task) => [task.reference, task]));
  const reached = new Set<string>();
  let approvalsReached = 0;
  for (const step of result.path) {
    if (step.status === 'skipped') continue;
    const task = byReference.get(step.reference) ?? tasks.find((t) => t.name === step.name);
    if (task === undefined) continue;
    for (const name of task.workflows) reached.add(name);
    if (task.approval) {
      reached.add(APPROVAL);
      approvalsReached++;
    }
  }
  const problems: string[] = [];
  const missed = (branchCase.reaches ?? []).filter((target) => !reached.has(target));
  if (missed.length > 0) problems.push(`never reached ${missed.join(', ')}`);
  const entered = (branchCase.avoids ?? []).filter((target) => reached.has(target));
  if (entered.length > 0) problems.push(`went through ${entered.join(', ')}`);
  if (branchCase.approvalsReached !== undefined && approvalsReached !== branchCase.approvalsReached) {
    problems.push(`${approvalsReached} approval(s) on the path, not ${branchCase.approvalsReached}`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * The case's input, plus a sample (from the definition's own input schema) of every field the
 * definition requires that the case does not give: the case names what the paragraph names, and a
 * definition that also asks for, say, a ticket's reporter still gets one, so the check measures the
 * branch rather than how the definition named inputs the paragraph never mentioned.
 */
export function caseInput(definition: Definition, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const declared = (definition.document as { input?: { schema?: { document?: unknown } } }).input?.schema?.document;
  const filled: Record<string, unknown> = { ...input };
  if (!isObject(declared)) return filled;
  const properties = isObject(declared['properties']) ? declared['properties'] : {};
  const required = Array.isArray(declared['required']) ? declared['required'].filter((key): key is string => typeof key === 'string') : [];
  for (const key of required) {
    if (!(key in filled)) filled[key] = sampleFromSchema(isObject(properties[key]) ? properties[key] : {}, key);
  }
  return filled;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The case's answers, addressed to the tasks of this definition (by pointer), as a simulation scenario. */
export function simulationScenario(tasks: readonly FoundTask[], scenario: PlannerScenario, branchCase: BranchCase): Scenario {
  const answers = { ...scenario.answers, ...branchCase.answers };
  const byTask: Record<string, ScenarioAnswer | readonly ScenarioAnswer[]> = {};
  const approvals: Record<string, unknown> = {};
  for (const task of tasks) {
    const answer = task.child === undefined ? undefined : answers[task.child];
    if (answer !== undefined) byTask[task.reference] = answer;
    if (task.model && branchCase.model !== undefined) byTask[task.reference] = { output: modelOutput(branchCase.model) };
    if (task.approval) approvals[task.reference] = approvalAnswer(task.form, branchCase.approve ?? true);
  }
  return { tasks: byTask, approvals };
}

/** What `call: baton.llm` outputs for a structured answer. */
function modelOutput(object: Readonly<Record<string, unknown>>): unknown {
  return { text: JSON.stringify(object), object, model: 'simulation', usage: { input: 0, output: 0, total: 0 }, costUsd: 0, cached: false };
}
