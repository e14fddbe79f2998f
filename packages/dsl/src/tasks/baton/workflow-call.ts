/**
 * `call: baton.workflow` with `{ name, version?, input? }`: a registered TypeScript workflow (or a
 * definition, by its Baton name `<namespace>.<name>`) as a child run; the task's output is the
 * child's. The `run.workflow` task does the same with the DSL's own names.
 */
import { standardFault } from '../../runtime/workflow-fault.js';
import { resolveChild, runChild } from '../run/child-workflow.js';
import type { BatonCall } from './baton-function.js';

export const workflowCall: BatonCall = async ({ args, frame, site }) => {
  const { name, version, input } = args as { name?: unknown; version?: unknown; input?: unknown };
  if (typeof name !== 'string' || name === '') throw standardFault('configuration', 'call: baton.workflow needs with.name, the workflow to run.');
  if (version !== undefined && typeof version !== 'string') throw standardFault('configuration', 'with.version of call: baton.workflow is a string.');
  return runChild(frame, site, resolveChild(frame, site, name, version), input ?? {});
};
