/**
 * One MCP request to a server, with no workflow context: the connection comes from the process's
 * pool, the result is the JSON-RPC result, and every failure is a BatonError with a stable code that
 * says whether trying again can help. `ctx.mcp` and the DSL's `call: mcp` run it inside their
 * journaled steps, which supply the retries.
 */
import {
  CallToolResultSchema,
  ErrorCode as JsonRpcErrorCode,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourceTemplatesResultSchema,
  ListResourcesResultSchema,
  ListToolsResultSchema,
  McpError,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { BatonError, errorMessage } from '@baton/core';
import { McpErrorCode } from './errors.js';
import { describeServer, mcpConnections, type McpConnectionPool } from './connection-pool.js';
import { mcpConfig, type McpServerConfig } from './server-config.js';

/** The requests a client step may make, each with the schema its result is checked against. */
const RESULT_SCHEMAS = {
  'tools/list': ListToolsResultSchema,
  'tools/call': CallToolResultSchema,
  'prompts/list': ListPromptsResultSchema,
  'prompts/get': GetPromptResultSchema,
  'resources/list': ListResourcesResultSchema,
  'resources/read': ReadResourceResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
} as const;

export type McpMethod = keyof typeof RESULT_SCHEMAS;
export const MCP_METHODS = Object.keys(RESULT_SCHEMAS) as McpMethod[];

export function isMcpMethod(value: unknown): value is McpMethod {
  return typeof value === 'string' && Object.hasOwn(RESULT_SCHEMAS, value);
}

export interface McpRequestOptions {
  /** Aborts the request (and its connecting); the abort reason is thrown as it is. */
  signal?: AbortSignal;
  /** Fails with BATON_MCP_TIMEOUT after this long. Default: configureMcp's timeoutMs (5 minutes). */
  timeoutMs?: number;
  /** Default: the process's pool. */
  pool?: McpConnectionPool;
}

/** JSON-RPC errors that say the request itself is wrong: sending it again cannot help. */
const REQUEST_ERRORS: readonly number[] = [JsonRpcErrorCode.InvalidParams, JsonRpcErrorCode.MethodNotFound, JsonRpcErrorCode.InvalidRequest];

/** Makes one MCP request (`tools/call`, `tools/list`…) and returns its JSON-RPC result. */
export async function mcpRequest(
  server: McpServerConfig,
  method: McpMethod,
  params?: Record<string, unknown>,
  options: McpRequestOptions = {},
): Promise<Record<string, unknown>> {
  const schema = RESULT_SCHEMAS[method];
  if (schema === undefined) {
    throw new BatonError(McpErrorCode.RequestFailed, `'${String(method)}' is not an MCP request a step can make: use one of ${MCP_METHODS.join(', ')}.`, {
      retryable: false,
    });
  }
  const pool = options.pool ?? mcpConnections();
  const timeoutMs = options.timeoutMs ?? mcpConfig().timeoutMs;
  const where = `${method} on the MCP server ${describeServer(server)}`;
  const client = await pool.client(server, { timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  try {
    const result = await client.request({ method, ...(params === undefined ? {} : { params }) } as never, schema, {
      timeout: timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return result as Record<string, unknown>;
  } catch (error) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    if (error instanceof McpError && error.code === JsonRpcErrorCode.RequestTimeout) {
      throw new BatonError(McpErrorCode.Timeout, `${where} timed out after ${timeoutMs} ms.`, { retryable: true, cause: error });
    }
    if (error instanceof McpError && error.code !== JsonRpcErrorCode.ConnectionClosed) {
      const retryable = !REQUEST_ERRORS.includes(error.code);
      throw new BatonError(McpErrorCode.RequestFailed, `${where} failed: ${error.message}`, {
        retryable,
        cause: error,
        details: { jsonRpcCode: error.code, ...(error.data === undefined ? {} : { data: error.data as unknown }) },
      });
    }
    // The connection broke (or answered something that is not MCP): drop it so the next attempt reconnects.
    await pool.discard(server);
    throw new BatonError(McpErrorCode.Unavailable, `${where} failed: ${errorMessage(error)}.`, { retryable: true, cause: error });
  }
}
