/**
 * The `call` task's I/O ("Call" in the reference): dispatches on `call` to the HTTP, OpenAPI, gRPC
 * and MCP executors and returns the task's raw output (before `output.as`). It runs inside a journaled
 * step, so it only does I/O: no workflow context. Failures are WorkflowFaults whose `instance` is the
 * task's JSON pointer; an abort through `signal` rethrows the abort reason; anything unforeseen is
 * logged and raised as the DSL's runtime error.
 */
import { defaultLogger, hasErrorCode } from '@baton/core';
import { standardFault, WORKFLOW_FAULT } from '../../runtime/workflow-fault.js';
import { configurationFault } from './call-fault.js';
import type { CallContext, CallScope } from './call-context.js';
import { performGrpcCall } from './grpc-call.js';
import { performHttpCall } from './http-call.js';
import { performMcpCall } from './mcp-call.js';
import { performOpenApiCall } from './openapi-call.js';

export type { CallContext } from './call-context.js';

export interface CallRequest {
  /** `http`, `openapi`, `grpc`, `asyncapi`, `mcp`, or the name of a custom function (`a2a` is a task kind of its own). */
  call: string;
  /** The arguments, with runtime expressions evaluated except in authentication policies. */
  with: Record<string, unknown>;
  /** The task input: URI template variables come from it. */
  input: unknown;
  /** The task's JSON pointer (e.g. `/do/0/getPet`), the `instance` of every fault. */
  reference: string;
}

/** Calls without protocol support in this release. */
const LATER_PROTOCOLS = ['asyncapi'];

export async function performCall(request: CallRequest, context: CallContext): Promise<unknown> {
  const scope: CallScope = { ...context, instance: request.reference };
  try {
    return await dispatch(request, scope);
  } catch (error) {
    if (hasErrorCode(error, WORKFLOW_FAULT) || context.signal.aborted) throw error;
    // Not a failure the call foresaw: logged, and raised as the DSL's runtime error so `try` can catch it.
    defaultLogger.error({ err: error, task: request.reference, call: request.call }, 'call task failed unexpectedly');
    throw standardFault('runtime', `call: ${request.call} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, {
      instance: request.reference,
    });
  }
}

async function dispatch(request: CallRequest, scope: CallScope): Promise<unknown> {
  const args = request.with ?? {};
  switch (request.call) {
    case 'http':
      return performHttpCall(args, request.input, scope);
    case 'openapi':
      return performOpenApiCall(args, request.input, scope);
    case 'grpc':
      return performGrpcCall(args, request.input, scope);
    case 'mcp':
      return performMcpCall(args, request.input, scope);
    case 'a2a':
      // A direct `call: a2a` task runs as a task kind of its own (a2a-call.ts): it journals each request and may wait durably.
      throw configurationFault(`call: a2a (task ${request.reference}) runs only as a task of its own, not as a function declared in use.functions`, scope);
    default:
      if (LATER_PROTOCOLS.includes(request.call)) {
        throw configurationFault(
          `call: ${request.call} (task ${request.reference}) is not supported yet (it needs the protocol support of a later release)`,
          scope,
        );
      }
      throw configurationFault(
        `call: ${request.call} (task ${request.reference}) names no function: use http, openapi, grpc or mcp, or declare '${request.call}' in use.functions`,
        scope,
      );
  }
}
