/**
 * The DSL's errors (the Problem Details shape: type, status, title, detail, instance) and the Baton
 * error that carries one: a definition's run that faults fails with BATON_WORKFLOW_FAULT and the
 * DSL error object in `details.error`, so the API, the CLI and the dashboard show it as written.
 */
import { TerminalError } from '@baton/core';

const BASE = 'https://serverlessworkflow.io/spec/1.0.0/errors';

/** The standard error types and their default statuses. */
export const StandardError = {
  configuration: { type: `${BASE}/configuration`, status: 400 },
  validation: { type: `${BASE}/validation`, status: 400 },
  expression: { type: `${BASE}/expression`, status: 400 },
  authentication: { type: `${BASE}/authentication`, status: 401 },
  authorization: { type: `${BASE}/authorization`, status: 403 },
  timeout: { type: `${BASE}/timeout`, status: 408 },
  communication: { type: `${BASE}/communication`, status: 500 },
  runtime: { type: `${BASE}/runtime`, status: 500 },
} as const;
export type StandardErrorKind = keyof typeof StandardError;

/** A DSL error object. `instance` is the JSON pointer of the task that raised it. */
export interface WorkflowErrorObject {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  instance?: string;
}

export const WORKFLOW_FAULT = 'BATON_WORKFLOW_FAULT';

/** Thrown by the interpreter and its tasks: never retried by Baton itself (the DSL's `try` decides). */
export class WorkflowFault extends TerminalError {
  readonly error: WorkflowErrorObject;
  constructor(error: WorkflowErrorObject) {
    super(faultMessage(error), { code: WORKFLOW_FAULT, details: { error } });
    this.name = 'WorkflowFault';
    this.error = error;
  }
}

/** A fault of a standard type, e.g. `standardFault('communication', 'HTTP 404', { status: 404, instance })`. */
export function standardFault(kind: StandardErrorKind, detail: string, extra: Partial<WorkflowErrorObject> = {}): WorkflowFault {
  const { type, status } = StandardError[kind];
  return new WorkflowFault({ type, status, title: kind.charAt(0).toUpperCase() + kind.slice(1) + ' error', detail, ...extra });
}

function faultMessage(error: WorkflowErrorObject): string {
  const head = error.title ?? error.type;
  return `${head}${error.detail ? `: ${error.detail}` : ''} (${error.type}, status ${error.status}${error.instance ? `, at ${error.instance}` : ''})`;
}
