/**
 * `ctx.mcp(server)`, added to every workflow's ctx when @baton/mcp is imported. Each request to the
 * server is one journaled step: a tool call runs at least once (with the step's retries) and, once
 * journaled, is never made again, on replay or after a crash. The server's tools can also be handed
 * to `ctx.agent` (of @baton/ai), each call then journaled as the agent's tool step.
 */
import {
  BatonError,
  ensurePolicyAllows,
  isBatonError,
  toMillis,
  type Duration,
  type ExtensionServices,
  type RetryPolicy,
  type StepInfo,
  type WorkflowContext,
} from '@baton/core';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpErrorCode } from './errors.js';
import { mcpRequest, type McpMethod } from './mcp-request.js';
import { resolveMcpServer, type McpServerConfig } from './server-config.js';

export interface McpStepOptions {
  /** The step's retry policy (default: the engine's). A tool error (`isError`) is never retried. */
  retry?: RetryPolicy;
  /** Each attempt fails with BATON_STEP_TIMEOUT after this long (default: configureMcp's timeoutMs). */
  timeout?: Duration;
  /** The step's name; default `mcp:<server>:<tool>` (or `mcp:<server>:<method>`). */
  step?: string;
}

/**
 * A tool of an MCP server as `ctx.agent({ tools })` takes it: a function tool whose input is the
 * tool's JSON Schema. Its calls are journaled by the agent as `agent:<name>:tool:<tool>` steps.
 */
export interface McpAgentTool {
  kind: 'function';
  description: string;
  input: { jsonSchema: Record<string, unknown> };
  execute: (input: unknown, info: StepInfo) => Promise<unknown>;
  retry?: RetryPolicy;
}

/** One MCP server, as a workflow calls it. */
export interface McpServerHandle {
  /** The server's name in step names: its configured name, or for an inline server its command or host. */
  readonly name: string;
  /**
   * Calls a tool as one journaled step (`mcp:<server>:<tool>`). A result with `isError: true` fails
   * the step with BATON_MCP_TOOL_ERROR, not retried (the result is in the error's `details.result`).
   */
  callTool(tool: string, args?: Record<string, unknown>, options?: McpStepOptions): Promise<CallToolResult>;
  /** The server's tools (every page), as one journaled step (`mcp:<server>:tools/list`), so replay sees the same list. */
  listTools(options?: McpStepOptions): Promise<Tool[]>;
  /**
   * The server's tools as agent tools for `ctx.agent({ tools })`, listed through `listTools`. A tool
   * error is reported to the model (or fails the agent with `onToolError: 'throw'`).
   */
  tools(options?: McpStepOptions & { only?: string[]; toolRetry?: RetryPolicy }): Promise<Record<string, McpAgentTool>>;
  /** Any other request (`prompts/get`, `resources/read`…) as one journaled step (`mcp:<server>:<method>`); returns its result. */
  request(method: McpMethod, params?: Record<string, unknown>, options?: McpStepOptions): Promise<Record<string, unknown>>;
}

declare module '@baton/core' {
  interface WorkflowContext {
    /** An MCP server (configured by name, or inline): every request to it is a journaled step. */
    mcp(server: string | McpServerConfig): McpServerHandle;
  }
}

const STEP_FAILED = 'BATON_STEP_FAILED';
const CODES: readonly string[] = Object.values(McpErrorCode);

/** A step's failure as the MCP error inside it, so callers can check `error.code`. */
function unwrap(error: unknown): unknown {
  if (isBatonError(error) && error.code === STEP_FAILED && isBatonError(error.cause) && CODES.includes(error.cause.code)) return error.cause;
  return error;
}

/** Fails on a tool's `isError` result, with the tool's own words. */
function toolResult(serverName: string, tool: string, result: Record<string, unknown>): CallToolResult {
  const callResult = result as CallToolResult;
  if (callResult.isError === true) {
    const text = textOf(callResult) || 'no details given';
    throw new BatonError(McpErrorCode.ToolError, `The MCP tool '${tool}' of server '${serverName}' reported an error: ${text}`, {
      retryable: false,
      details: { server: serverName, tool, result: callResult },
    });
  }
  return callResult;
}

function textOf(result: CallToolResult): string {
  return (result.content ?? [])
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .slice(0, 2000);
}

/** What the model sees of a tool's result: its structured content, else its text, else its content. */
function forModel(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = result.content ?? [];
  return content.every((part) => part.type === 'text') ? textOf(result) : content;
}

function timeoutMsOf(options: McpStepOptions | undefined): number | undefined {
  return options?.timeout === undefined ? undefined : toMillis(options.timeout, 'the MCP call timeout');
}

function stepOptions<I>(options: McpStepOptions | undefined, input: I) {
  return {
    input,
    ...(options?.retry === undefined ? {} : { retry: options.retry }),
    ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
  };
}

function handle(ctx: WorkflowContext, services: ExtensionServices, server: string | McpServerConfig): McpServerHandle {
  // A named server is looked up when a request is made: replaying journaled requests needs no configuration.
  const name = typeof server === 'string' ? server : resolveMcpServer(server).name;
  const configOf = (): McpServerConfig => resolveMcpServer(server).config;
  // The namespace's agent policy may refuse the server: checked before each request, never sent then.
  const allowed = (step: string) => ensurePolicyAllows(ctx, services, { subject: 'mcpServer', name, step });
  const call = async (tool: string, args: Record<string, unknown>, info: StepInfo, timeoutMs: number | undefined): Promise<CallToolResult> => {
    const result = await mcpRequest(
      configOf(),
      'tools/call',
      // The step's idempotency key, stable across attempts and crashes, for servers that deduplicate.
      { name: tool, arguments: args, _meta: { 'baton/idempotencyKey': info.idempotencyKey } },
      { signal: info.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    );
    return toolResult(name, tool, result);
  };
  const listTools = async (options?: McpStepOptions): Promise<Tool[]> => {
    const timeoutMs = timeoutMsOf(options);
    const stepName = options?.step ?? `mcp:${name}:tools/list`;
    await allowed(stepName);
    try {
      return await ctx.step(
        stepName,
        async (info) => {
          const tools: Tool[] = [];
          let cursor: string | undefined;
          do {
            const page = await mcpRequest(configOf(), 'tools/list', cursor === undefined ? undefined : { cursor }, {
              signal: info.signal,
              ...(timeoutMs === undefined ? {} : { timeoutMs }),
            });
            tools.push(...(page.tools as Tool[]));
            cursor = typeof page.nextCursor === 'string' ? page.nextCursor : undefined;
          } while (cursor !== undefined);
          return tools;
        },
        stepOptions(options, { server: name }),
      );
    } catch (error) {
      throw unwrap(error);
    }
  };
  return {
    name,
    async callTool(tool, args = {}, options) {
      const timeoutMs = timeoutMsOf(options);
      const stepName = options?.step ?? `mcp:${name}:${tool}`;
      await allowed(stepName);
      try {
        return await ctx.step(stepName, (info) => call(tool, args, info, timeoutMs), stepOptions(options, { tool, arguments: args }));
      } catch (error) {
        throw unwrap(error);
      }
    },
    listTools,
    async tools(options) {
      const listed = await listTools(options);
      const only = options?.only;
      const tools: Record<string, McpAgentTool> = {};
      for (const tool of listed) {
        if (only !== undefined && !only.includes(tool.name)) continue;
        tools[tool.name] = {
          kind: 'function',
          description: tool.description ?? tool.title ?? `The tool '${tool.name}' of the MCP server '${name}'.`,
          input: { jsonSchema: tool.inputSchema as Record<string, unknown> },
          execute: async (input, info) => forModel(await call(tool.name, (input ?? {}) as Record<string, unknown>, info, timeoutMsOf(options))),
          ...(options?.toolRetry === undefined ? {} : { retry: options.toolRetry }),
        };
      }
      return tools;
    },
    async request(method, params, options) {
      const timeoutMs = timeoutMsOf(options);
      const stepName = options?.step ?? `mcp:${name}:${method}`;
      await allowed(stepName);
      try {
        return await ctx.step(
          stepName,
          (info) => mcpRequest(configOf(), method, params, { signal: info.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) }),
          stepOptions(options, { method, params: params ?? null }),
        );
      } catch (error) {
        throw unwrap(error);
      }
    },
  };
}

/** Registers ctx.mcp (done when the package is imported). */
export function mcpContext(ctx: WorkflowContext, services: ExtensionServices): Record<string, unknown> {
  return { mcp: (server: string | McpServerConfig) => handle(ctx, services, server) };
}
