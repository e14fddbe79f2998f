/**
 * A workflow run as a child run (`run.workflow` and Baton's `call: baton.workflow`): found by name
 * and version through `InterpreterOptions.resolveWorkflow` (TypeScript workflows and other
 * definitions alike), started with `ctx.child` (journaled: a replay never starts it again), and its
 * output is the task's. A child that fails faults the task: a definition child's DSL error as it
 * was raised, any other failure as a runtime error naming the child run.
 */
import { definitionTenantOf, errorMessage, hasErrorCode, type AnyWorkflow } from '@baton/core';
import { faultOf } from '../../runtime/faults.js';
import type { RunFrame, TaskSite } from '../executor.js';
import { standardFault, WorkflowFault } from '../../runtime/workflow-fault.js';

/**
 * The workflow named `name` (at `version`, or the resolver's choice when absent). A definition
 * deployed in a tenant namespace runs as `<tenant>:<document name>`: the names it calls are its
 * namespace's own definitions first (`<tenant>:<name>`), then the deployment's workflows. Faults
 * with a configuration error when there is none.
 */
export function resolveChild(frame: RunFrame, site: TaskSite, name: string, version: string | undefined): AnyWorkflow {
  const resolve = frame.options.resolveWorkflow;
  const tenant = definitionTenantOf(frame.ctx.workflow);
  const found = (tenant === undefined || name.includes(':') ? undefined : resolve?.(`${tenant}:${name}`, version)) ?? resolve?.(name, version);
  if (found !== undefined) return found;
  const which = `'${name}'${version === undefined ? '' : ` version ${version}`}`;
  const why =
    resolve === undefined
      ? 'this runtime was given no workflows to run (InterpreterOptions.resolveWorkflow)'
      : 'no workflow of that name and version is registered on this worker';
  throw standardFault('configuration', `The workflow ${which} cannot be run: ${why}. Register it (a TypeScript workflow or a definition) with the worker.`, {
    instance: site.reference,
  });
}

/** Runs `workflow` as a child run on `input` and gives its output; `wait: false` starts it and gives undefined at once. */
export async function runChild(frame: RunFrame, site: TaskSite, workflow: AnyWorkflow, input: unknown, wait = true): Promise<unknown> {
  const child = frame.ctx.child(workflow, input);
  if (!wait) {
    // The run does not wait: how the child ends is its own (its failure is on the child run, not here).
    child.catch(() => undefined);
    return undefined;
  }
  try {
    return await child;
  } catch (error) {
    throw childFault(error, workflow, site);
  }
}

function childFault(error: unknown, workflow: AnyWorkflow, site: TaskSite): WorkflowFault {
  if (hasErrorCode(error, 'BATON_INVALID_INPUT')) {
    return standardFault('validation', `The input of the workflow '${workflow.name}' is invalid: ${errorMessage(error)}`, { instance: site.reference });
  }
  const childId = (error as { details?: { childId?: unknown } }).details?.childId;
  const carried = faultOf(error);
  if (carried !== undefined) return new WorkflowFault({ ...carried, instance: site.reference });
  const cause = (error as { cause?: unknown }).cause;
  return standardFault(
    'runtime',
    `The child run ${typeof childId === 'string' ? `${childId} ` : ''}of the workflow '${workflow.name}' failed: ${errorMessage(cause ?? error)}`,
    { instance: site.reference },
  );
}
