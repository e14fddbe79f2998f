/** PLACEHOLDER: `call` tasks (http, openapi, grpc) are not supported yet. */
import type { WorkflowDocument } from '../../definition/definition.js';
import type { InterpreterOptions } from '../../runtime/interpreter-options.js';
import { standardFault } from '../../runtime/workflow-fault.js';

export interface CallRequest {
  call: string;
  with: Record<string, unknown>;
  input: unknown;
  reference: string;
}

export interface CallContext {
  options: InterpreterOptions;
  use: WorkflowDocument['use'];
  signal: AbortSignal;
  evaluate(value: unknown): Promise<unknown>;
}

export function performCall(request: CallRequest, _context: CallContext): Promise<unknown> {
  return Promise.reject(standardFault('runtime', `call: ${request.call} is not supported yet.`, { instance: request.reference }));
}
