/**
 * Reading DSL errors back out of whatever carried them. A task's fault is thrown inside its step, so
 * the workflow sees Baton's BATON_STEP_FAILED with the WorkflowFault as its cause, on the first
 * execution as after replay (the journal keeps the error chain: code, details and cause). These
 * helpers find the DSL error object in that chain, and turn any other failure into a DSL error.
 */
import { hasErrorCode } from '@baton/core';
import { standardFault, WORKFLOW_FAULT, WorkflowFault, type WorkflowErrorObject } from './workflow-fault.js';

const STEP_TIMEOUT = 'BATON_STEP_TIMEOUT';

/** The DSL error object carried by `error` or one of its causes, if any. */
export function faultOf(error: unknown): WorkflowErrorObject | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    if (hasErrorCode(current, WORKFLOW_FAULT)) {
      const carried = (current as { error?: unknown; details?: { error?: unknown } }).error ?? (current as { details?: { error?: unknown } }).details?.error;
      if (isErrorObject(carried)) return carried;
    }
    if (hasErrorCode(current, STEP_TIMEOUT)) return standardFault('timeout', 'The task timed out.').error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for an error whose chain carries a DSL error (so a `try` may catch it). */
export function isFault(error: unknown): boolean {
  return faultOf(error) !== undefined;
}

/**
 * The WorkflowFault for a failure inside the task at `instance`: a DSL error keeps its fields (its
 * instance defaults to the task), anything else is a runtime error that says what happened.
 */
export function faultAt(error: unknown, instance: string): WorkflowFault {
  const carried = faultOf(error);
  if (carried !== undefined) return new WorkflowFault({ ...carried, instance: carried.instance ?? instance });
  const message = error instanceof Error ? error.message : String(error);
  return standardFault('runtime', message, { instance });
}

function isErrorObject(value: unknown): value is WorkflowErrorObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}
