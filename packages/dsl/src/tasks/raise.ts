/**
 * `raise`: faults with an inline error or one declared in `use.errors`; runtime expressions in its
 * fields are evaluated on the input. `instance` defaults to the task's JSON pointer.
 */
import { standardFault, WorkflowFault, type WorkflowErrorObject } from '../runtime/workflow-fault.js';
import type { LeafExecutor } from './executor.js';

export const raiseExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame, site }) {
    let error = (task.raise as { error?: unknown } | undefined)?.error;
    if (typeof error === 'string') {
      const name = error;
      error = (frame.document.use?.errors as Record<string, unknown> | undefined)?.[name];
      if (error === undefined) throw standardFault('configuration', `The error '${name}' is not declared in use.errors.`);
    }
    const evaluated = (await frame.evaluator.template(error, input, scope)) as Partial<WorkflowErrorObject> | null;
    if (evaluated === null || typeof evaluated !== 'object' || typeof evaluated.type !== 'string' || typeof evaluated.status !== 'number') {
      throw standardFault('configuration', 'The raised error needs a type (a URI) and a status (a number).');
    }
    const raised: WorkflowErrorObject = { type: evaluated.type, status: evaluated.status, instance: evaluated.instance ?? site.reference };
    if (evaluated.title !== undefined) raised.title = evaluated.title;
    if (evaluated.detail !== undefined) raised.detail = evaluated.detail;
    throw new WorkflowFault(raised);
  },
};
