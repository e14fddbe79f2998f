/** The configuration fault of a call task: its arguments or the workflow's `use` are not what the call needs. */
import { standardFault, type WorkflowFault } from '../../runtime/workflow-fault.js';

export function configurationFault(detail: string, scope: { instance: string }): WorkflowFault {
  return standardFault('configuration', detail, { instance: scope.instance });
}
