/**
 * `createMcpServer`: Baton's workflows as MCP tools. Each current workflow version is a tool that
 * starts a run and waits a bounded time for its result; `get_run`, `wait_run`, `send_signal` and
 * `cancel_run` follow runs that take longer (a person's approval, a long job). The tool list is read
 * from the registry at each request, so definitions loaded later appear without a restart.
 */
import {
  defaultLogger,
  ErrorCode,
  errorMessage,
  hasErrorCode,
  isBatonError,
  isTerminalStatus,
  WorkflowRegistry,
  type AnyWorkflow,
  type Client,
  type Logger,
} from '@baton/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { toolInput, workflowInput, type ToolInput } from './input-schema.js';
import { registerRunResources, RUN_RESOURCES_CAPABILITY } from './resources.js';
import type { ChangeFeed } from './resources-watcher.js';
import { errorResult, runResult } from './run-result.js';
import { toolNames } from './tool-names.js';

export interface McpServerOptions {
  /** Starts, reads, signals and cancels runs. */
  client: Client;
  /** The workflows offered as tools (an engine's `engine.workflows`, or a list). */
  workflows: WorkflowRegistry | readonly AnyWorkflow[];
  /** How long a workflow tool waits for its run before answering with the run id (default 20 000 ms). */
  waitMs?: number;
  /** The server's name and version in the MCP handshake. */
  info?: { name: string; version: string };
  /** Where a tool call's unexpected failure is logged, with its stack (default: JSON lines on stderr). */
  logger?: Logger;
  /** The store's change feed (an engine's `engine.store`): subscribed runs' journal growth is read from it in one query. */
  changes?: ChangeFeed;
  /** How often runs that clients subscribed to are looked at (default 500 ms). */
  resourcePollMs?: number;
}

/** The `_meta` key a caller sets on a workflow tool call to choose the run id (an idempotency key). */
export const RUN_ID_META = 'baton/runId';

/** The `_meta` key a caller sets on a workflow tool call to wait another number of seconds than the server's default (0 answers at once). */
export const WAIT_META = 'baton/waitSeconds';

/** Longest wait `wait_run` accepts (seconds): a tool call should not hold a client for much longer. */
const MAX_WAIT_SECONDS = 300;

interface WorkflowTool {
  workflow: AnyWorkflow;
  input: ToolInput;
}

export function createMcpServer(options: McpServerOptions): Server {
  const registry = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows);
  const waitMs = options.waitMs ?? 20_000;
  const server = new Server(options.info ?? { name: 'baton', version: '0.1.0' }, {
    capabilities: { tools: {}, resources: RUN_RESOURCES_CAPABILITY },
    instructions:
      'Each workflow tool starts a durable run. When a run takes longer than the call waits, the answer carries its runId: follow it with wait_run or get_run, and answer what it waits for with send_signal.',
  });

  const workflowTools = (): Map<string, WorkflowTool> => {
    // Baton's own workflows (the planner) are not for MCP clients.
    const workflows = registry.current().filter((w) => !w.name.startsWith('baton.'));
    const names = toolNames(workflows.map((w) => w.name));
    return new Map(workflows.map((workflow) => [names.get(workflow.name) ?? workflow.name, { workflow, input: toolInput(workflow) }]));
  };

  registerRunResources(server, {
    client: options.client,
    changes: options.changes,
    pollMs: options.resourcePollMs,
    logger: options.logger ?? defaultLogger,
  });

  server.setRequestHandler(ListToolsRequestSchema, () => {
    const tools: Tool[] = [...workflowTools()].map(([name, { workflow, input }]) => ({
      name,
      title: workflow.name,
      description: workflow.options.description ?? `Runs the Baton workflow ${workflow.name} (version ${workflow.version}).`,
      inputSchema: input.schema,
    }));
    return { tools: [...tools, ...runTools] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    try {
      switch (name) {
        case 'get_run':
          return await getRun(options.client, args);
        case 'wait_run':
          return await waitRun(options.client, args);
        case 'send_signal': {
          const runId = requiredString(args, 'runId');
          const signal = requiredString(args, 'name');
          await options.client.signal(runId, signal, args?.data);
          return runResult(await mustGet(options.client, runId), 'run');
        }
        case 'cancel_run': {
          const runId = requiredString(args, 'runId');
          const reason = args?.reason;
          return runResult(await options.client.cancel(runId, typeof reason === 'string' ? reason : undefined), 'run');
        }
      }
      const tool = workflowTools().get(name);
      if (tool === undefined) return errorResult(ErrorCode.WorkflowNotFound, `No tool named '${name}'.`);
      const id = request.params._meta?.[RUN_ID_META];
      const wait = request.params._meta?.[WAIT_META];
      if (wait !== undefined && !validSeconds(wait))
        return errorResult(ErrorCode.InvalidArgument, `_meta.${WAIT_META} must be a number from 0 to ${MAX_WAIT_SECONDS}.`);
      const handle = await options.client.start(tool.workflow, workflowInput(tool.input, args), typeof id === 'string' ? { id } : {});
      return await awaitRun(options.client, handle.id, wait === undefined ? waitMs : wait * 1000, 'output');
    } catch (error) {
      // Bad arguments, unknown runs, refused starts: the caller's to fix, answered as a tool error.
      if (error instanceof RunToolError || isBatonError(error)) return errorResult(error.code, error.message);
      (options.logger ?? defaultLogger).error({ err: error, tool: name }, 'MCP tool call failed unexpectedly');
      return errorResult('BATON_INTERNAL', errorMessage(error));
    }
  });
  return server;
}

/** Waits up to `ms` for the run to end, then reports it as it is. */
async function awaitRun(client: Client, runId: string, ms: number, view: 'output' | 'run'): Promise<CallToolResult> {
  let failure: unknown;
  // A run's failure is read from the run below; a wait that ran out reports the run still going.
  await client.result(runId, { timeoutMs: ms }).catch((error: unknown) => (failure = error));
  const run = await mustGet(client, runId);
  if (failure !== undefined && !isTerminalStatus(run.status) && !hasErrorCode(failure, ErrorCode.Timeout)) throw failure;
  // A run that continued as new: report the last run of the chain (result() followed it).
  if (run.status === 'completed' && run.continuedTo !== undefined) return awaitRun(client, run.continuedTo, 0, view);
  return runResult(run, view);
}

async function getRun(client: Client, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const run = await mustGet(client, requiredString(args, 'runId'));
  return runResult(run, 'run');
}

async function waitRun(client: Client, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const runId = requiredString(args, 'runId');
  const seconds = args?.seconds ?? 20;
  if (!validSeconds(seconds)) {
    return errorResult(ErrorCode.InvalidArgument, `seconds must be a number from 0 to ${MAX_WAIT_SECONDS}.`);
  }
  const run = await mustGet(client, runId);
  if (isTerminalStatus(run.status) && run.continuedTo === undefined) return runResult(run, 'run');
  return awaitRun(client, runId, seconds * 1000, 'run');
}

function validSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_WAIT_SECONDS;
}

async function mustGet(client: Client, runId: string): Promise<NonNullable<Awaited<ReturnType<Client['get']>>>> {
  const run = await client.get(runId);
  if (run === undefined) throw new RunToolError(ErrorCode.RunNotFound, `No run with id '${runId}'.`);
  return run;
}

function requiredString(args: Record<string, unknown> | undefined, key: string): string {
  const value = args?.[key];
  if (typeof value !== 'string' || value.length === 0) throw new RunToolError(ErrorCode.InvalidArgument, `${key} must be a non-empty string.`);
  return value;
}

/** A refusal of a run tool's arguments, answered as a tool error with its code. */
class RunToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const runId = { type: 'string', description: 'The run id a workflow tool answered with.' } as const;

const runTools: Tool[] = [
  {
    name: 'get_run',
    description: "A run's status, with its output, error, progress and the signals it waits for.",
    inputSchema: { type: 'object', properties: { runId }, required: ['runId'] },
  },
  {
    name: 'wait_run',
    description: `Waits up to \`seconds\` (default 20, at most ${MAX_WAIT_SECONDS}) for a run to end, then reports it as get_run does.`,
    inputSchema: { type: 'object', properties: { runId, seconds: { type: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS } }, required: ['runId'] },
  },
  {
    name: 'send_signal',
    description: 'Sends a signal (an approval, an answer) to a run; a run waiting for it goes on. Reports the run.',
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
  },
];
