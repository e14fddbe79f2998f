/**
 * `createMcpServer`: Baton's workflows as MCP tools. Each current workflow version is a tool that
 * starts a run and waits a bounded time for its result; `get_run`, `wait_run`, `send_signal`,
 * `cancel_run` and `list_waiting_runs` follow runs that take longer (a person's approval, a long job).
 * The tool list is read at each request (the registry, and the store's workflow catalog when given),
 * so workflows loaded or deployed later appear without a restart, and connected clients are told.
 */
import {
  defaultLogger,
  ErrorCode,
  errorMessage,
  isBatonError,
  isTerminalStatus,
  roleAllows,
  WorkflowRegistry,
  type AnyWorkflow,
  type Client,
  type Logger,
  type Role,
  type Store,
} from '@baton/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type ServerCapabilities, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { workflowInput } from './input-schema.js';
import { registerRunResources, RUN_RESOURCES_CAPABILITY } from './resources.js';
import type { ChangeFeed } from './resources-watcher.js';
import { errorResult, runResult } from './run-result.js';
import { awaitRun, mustGet, type ProgressSink } from './run-wait.js';
import { watchToolList } from './tool-list-watch.js';
import { LIST_WAITING_RUNS, listWaitingRuns, listWaitingRunsTool, ToolArgumentError } from './waiting-runs.js';
import { toolListSignature, toolOf, workflowTools } from './workflow-tools.js';

export interface McpServerOptions {
  /** Starts, reads, signals and cancels runs (over HTTP: a client acting for the session's API key). */
  client: Client;
  /** The workflows this process has the code of (an engine's `engine.workflows`, or a list). */
  workflows?: WorkflowRegistry | readonly AnyWorkflow[];
  /**
   * The store whose workflow catalog also offers tools: the workflows workers elsewhere registered
   * and the deployed definitions that `workflows` does not have (started by name).
   */
  store?: Store;
  /** How long a workflow tool waits for its run before answering with the run id (default 20 000 ms). */
  waitMs?: number;
  /** The server's name and version in the MCP handshake. */
  info?: { name: string; version: string };
  /** Where a tool call's unexpected failure is logged, with its stack (default: JSON lines on stderr). */
  logger?: Logger;
  /**
   * The caller's role (an API key's). A viewer sees and calls only the tools that change nothing
   * (get_run, wait_run, list_waiting_runs); a call to another is refused with BATON_FORBIDDEN.
   * Default: every tool.
   */
  role?: Role;
  /** Told of every tools/call once answered (an audit log): the tool, the run it concerned, the result. */
  audit?: (call: McpToolCall) => Promise<void>;
  /** How often a waited-for run's progress is read for a caller that asked for progress (default 1000 ms). */
  progressPollMs?: number;
  /** How often a connected session's tool list is read again to tell it of changes (default 10 000 ms; 0: never). */
  toolsPollMs?: number;
  /** The store's change feed (an engine's `engine.store`, or the store): subscribed runs' journal growth is read from it in one query. */
  changes?: ChangeFeed;
  /** How often runs that clients subscribed to are looked at (default 500 ms). */
  resourcePollMs?: number;
}

/** One answered tools/call, as `audit` is told of it. */
export interface McpToolCall {
  tool: string;
  /** The run the call started or concerned ('' when none: a refused start, list_waiting_runs). */
  runId: string;
  /** 'ok', or the error code the call was answered with. */
  result: string;
  /** For a refusal: the role the tool needs and the caller's. */
  detail?: Record<string, unknown>;
}

/** The `_meta` key a caller sets on a workflow tool call to choose the run id (an idempotency key). */
export const RUN_ID_META = 'baton/runId';

/** The `_meta` key a caller sets on a workflow tool call to wait another number of seconds than the server's default (0 answers at once). */
export const WAIT_META = 'baton/waitSeconds';

/** Longest wait `wait_run` accepts (seconds): a tool call should not hold a client for much longer. */
const MAX_WAIT_SECONDS = 300;

/** The tools that change nothing: all a viewer may call. */
const READ_TOOLS: ReadonlySet<string> = new Set(['get_run', 'wait_run', LIST_WAITING_RUNS]);

export function createMcpServer(options: McpServerOptions): Server {
  const registry = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows ?? []);
  const { client, store } = options;
  const logger = options.logger ?? defaultLogger;
  const waitMs = options.waitMs ?? 20_000;
  const mayChange = options.role === undefined || roleAllows(options.role, 'operator');
  const capabilities: ServerCapabilities = { tools: { listChanged: true }, resources: RUN_RESOURCES_CAPABILITY };
  const server = new Server(options.info ?? { name: 'baton', version: '0.1.0' }, {
    capabilities,
    instructions:
      'Each workflow tool starts a durable run. When a run takes longer than the call waits, the answer carries its runId: follow it with wait_run or get_run, find runs waiting for a person with list_waiting_runs, and answer what a run waits for with send_signal.',
  });

  registerRunResources(server, { client, changes: options.changes, pollMs: options.resourcePollMs, logger });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    if (!mayChange) return { tools: runTools.filter((t) => READ_TOOLS.has(t.name)) };
    const tools: Tool[] = [...(await workflowTools(registry, store))].map(([name, tool]) => toolOf(name, tool));
    return { tools: [...tools, ...runTools] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args, _meta: meta } = request.params;
    const token = extra._meta?.progressToken;
    const progress: ProgressSink | undefined =
      token === undefined ? undefined : { token, send: (n) => extra.sendNotification(n), pollMs: options.progressPollMs ?? 1000 };
    let runId = typeof args?.runId === 'string' ? args.runId : typeof meta?.[RUN_ID_META] === 'string' ? meta[RUN_ID_META] : '';
    let result: CallToolResult;
    let detail: Record<string, unknown> | undefined;
    try {
      if (!mayChange && !READ_TOOLS.has(name)) {
        detail = { needed: 'operator', role: options.role };
        result = errorResult('BATON_FORBIDDEN', `The tool '${name}' changes runs: it needs an operator key; this key is ${options.role}.`);
      } else {
        const called = await callTool(name, args, meta, progress, extra.signal);
        result = called.result;
        runId = called.runId ?? runId;
      }
    } catch (error) {
      // Bad arguments, unknown runs, refused starts: the caller's to fix, answered as a tool error.
      if (error instanceof ToolArgumentError || isBatonError(error)) result = errorResult(error.code, error.message);
      // The client cancelled the call or went away (the server is closing): no one is told, nothing failed.
      else if (extra.signal.aborted) result = errorResult(ErrorCode.Cancelled, 'The tool call was cancelled by its client, or its connection closed.');
      else {
        logger.error({ err: error, tool: name }, 'MCP tool call failed unexpectedly');
        result = errorResult('BATON_INTERNAL', errorMessage(error));
      }
    }
    if (options.audit !== undefined) {
      const call: McpToolCall = {
        tool: name.slice(0, 200),
        runId: runId.slice(0, 200),
        result: resultCode(result),
        ...(detail === undefined ? {} : { detail }),
      };
      await options.audit(call).catch((error: unknown) => logger.error({ err: error, tool: name }, 'recording an MCP tool call in the audit log failed'));
    }
    return result;
  });

  const callTool = async (
    name: string,
    args: Record<string, unknown> | undefined,
    meta: Record<string, unknown> | undefined,
    progress: ProgressSink | undefined,
    signal: AbortSignal,
  ): Promise<{ result: CallToolResult; runId?: string }> => {
    switch (name) {
      case 'get_run':
        return { result: runResult(await mustGet(client, requiredString(args, 'runId')), 'run') };
      case 'wait_run':
        return { result: await waitRun(client, args, progress, signal) };
      case LIST_WAITING_RUNS:
        return { result: await listWaitingRuns(client, registry, store, args) };
      case 'send_signal': {
        const runId = requiredString(args, 'runId');
        // Data the workflow's schema for this signal refuses is BATON_INVALID_SIGNAL, and nothing is sent.
        await client.signal(runId, requiredString(args, 'name'), args?.data);
        return { result: runResult(await mustGet(client, runId), 'run') };
      }
      case 'cancel_run': {
        const reason = args?.reason;
        return { result: runResult(await client.cancel(requiredString(args, 'runId'), typeof reason === 'string' ? reason : undefined), 'run') };
      }
    }
    const tool = (await workflowTools(registry, store)).get(name);
    if (tool === undefined)
      return { result: errorResult(ErrorCode.WorkflowNotFound, `No tool named '${name.slice(0, 200)}': tools/list names the tools this key may call.`) };
    const id = meta?.[RUN_ID_META];
    const wait = meta?.[WAIT_META];
    if (wait !== undefined && !validSeconds(wait))
      return { result: errorResult(ErrorCode.InvalidArgument, `_meta.${WAIT_META} must be a number from 0 to ${MAX_WAIT_SECONDS}.`) };
    const input = workflowInput(tool.input, args);
    const startOptions = typeof id === 'string' ? { id } : {};
    // A workflow only the catalog knows is started by name: the worker that runs it validates the input.
    const handle = tool.code === undefined ? await client.start(tool.workflow, input, startOptions) : await client.start(tool.code, input, startOptions);
    const result = await awaitRun(client, handle.id, wait === undefined ? waitMs : wait * 1000, 'output', progress, signal).catch((error: unknown) => {
      // The run started: the audit names it even when the caller stopped waiting.
      if (signal.aborted) return errorResult(ErrorCode.Cancelled, 'The tool call was cancelled by its client, or its connection closed.', { runId: handle.id });
      throw error;
    });
    return { result, runId: handle.id };
  };

  const toolsPollMs = options.toolsPollMs ?? 10_000;
  if (toolsPollMs > 0 && mayChange) {
    const watch = watchToolList(server, async () => toolListSignature(await workflowTools(registry, store)), toolsPollMs, logger);
    const { oninitialized, onclose } = server;
    server.oninitialized = () => {
      oninitialized?.();
      watch.start();
    };
    server.onclose = () => {
      watch.stop();
      onclose?.();
    };
  }
  return server;
}

async function waitRun(
  client: Client,
  args: Record<string, unknown> | undefined,
  progress: ProgressSink | undefined,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const runId = requiredString(args, 'runId');
  const seconds = args?.seconds ?? 20;
  if (!validSeconds(seconds)) {
    return errorResult(ErrorCode.InvalidArgument, `seconds must be a number from 0 to ${MAX_WAIT_SECONDS}.`);
  }
  const run = await mustGet(client, runId);
  if (isTerminalStatus(run.status) && run.continuedTo === undefined) return runResult(run, 'run');
  return awaitRun(client, runId, seconds * 1000, 'run', progress, signal);
}

function validSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_WAIT_SECONDS;
}

function requiredString(args: Record<string, unknown> | undefined, key: string): string {
  const value = args?.[key];
  if (typeof value !== 'string' || value.length === 0) throw new ToolArgumentError(`${key} must be a non-empty string.`);
  return value;
}

/** The code a tool result was answered with ('ok' for a result that is not an error). */
function resultCode(result: CallToolResult): string {
  if (result.isError !== true) return 'ok';
  const first = result.content[0];
  try {
    const code = first?.type === 'text' ? (JSON.parse(first.text) as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : 'error';
  } catch {
    return 'error';
  }
}

const runId = { type: 'string', description: 'The run id a workflow tool answered with.' } as const;

const runTools: Tool[] = [
  {
    name: 'get_run',
    description: "A run's status, with its output, error, progress and the signals it waits for.",
    inputSchema: { type: 'object', properties: { runId }, required: ['runId'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'wait_run',
    description: `Waits up to \`seconds\` (default 20, at most ${MAX_WAIT_SECONDS}) for a run to end, then reports it as get_run does. With a progress token, each progress the run reports is sent while waiting.`,
    inputSchema: { type: 'object', properties: { runId, seconds: { type: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS } }, required: ['runId'] },
    annotations: { readOnlyHint: true },
  },
  listWaitingRunsTool,
  {
    name: 'send_signal',
    description:
      "Sends a signal (an approval, an answer) to a run; a run waiting for it goes on. Data that does not match the signal's declared schema is refused (BATON_INVALID_SIGNAL) and nothing is sent. Reports the run.",
    inputSchema: {
      type: 'object',
      properties: { runId, name: { type: 'string' }, data: { description: "The signal's payload." } },
      required: ['runId', 'name'],
    },
  },
  {
    name: 'cancel_run',
    description: 'Cancels a run (its compensations run). Reports the run.',
    inputSchema: { type: 'object', properties: { runId, reason: { type: 'string' } }, required: ['runId'] },
    annotations: { destructiveHint: true },
  },
];
