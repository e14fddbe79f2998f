/**
 * `list_waiting_runs`: the runs waiting for a person's signal (the approval inbox, oldest wait first),
 * each with the signals it waits for and, when its workflow declares one, that signal's JSON Schema,
 * so that an assistant can ask the person and answer with `send_signal`.
 */
import { z } from 'zod';
import type { Client, InboxEntry, Store, WorkflowRegistry } from '@baton/core';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { jsonResult } from './run-result.js';
import { parsedJson } from './workflow-tools.js';

export const LIST_WAITING_RUNS = 'list_waiting_runs';

export const listWaitingRunsTool: Tool = {
  name: LIST_WAITING_RUNS,
  description:
    "Runs waiting for a person's signal (an approval, an answer), oldest wait first: each with the signals it waits for and their JSON Schemas. Answer one with send_signal.",
  inputSchema: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, description: 'At most this many runs (default 50).' },
      cursor: { type: 'string', description: 'The nextCursor of the previous answer, for the next page.' },
    },
  },
  annotations: { readOnlyHint: true },
};

export async function listWaitingRuns(
  client: Client,
  registry: WorkflowRegistry,
  store: Store | undefined,
  args: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  const limit = args?.limit ?? 50;
  const cursor = args?.cursor;
  const page = await client.inbox.list({
    limit: typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : invalid('limit must be an integer from 1 to 200.'),
    ...(cursor === undefined ? {} : { cursor: typeof cursor === 'string' ? cursor : invalid('cursor must be a string.') }),
  });
  const runs = [];
  for (const entry of page.entries) runs.push(await waitingRun(entry, registry, store));
  return jsonResult({ runs, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) });
}

async function waitingRun(entry: InboxEntry, registry: WorkflowRegistry, store: Store | undefined): Promise<Record<string, unknown>> {
  const { run } = entry;
  const declared = await signalSchemas(run.workflow, run.version, registry, store);
  return {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    signals: entry.signals.map((name) => (declared[name] === undefined ? { name } : { name, schema: declared[name] })),
    since: entry.since.toISOString(),
    ...(entry.deadline === undefined ? {} : { deadline: entry.deadline.toISOString() }),
    ...(run.progress === undefined ? {} : { progress: run.progress }),
    ...(entry.claim === undefined ? {} : { claimedBy: entry.claim.assignee }),
  };
}

/** The JSON Schemas of the signals a workflow version declares: from its code when this process has it, else from the catalog. */
async function signalSchemas(workflow: string, version: string, registry: WorkflowRegistry, store: Store | undefined): Promise<Record<string, unknown>> {
  const code = registry.get(workflow, version);
  if (code !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(code.options.signals ?? {})) out[name] = jsonSchemaOf(schema);
    return out;
  }
  if (store === undefined) return {};
  const entry = (await store.listWorkflowCatalog({ name: workflow })).find((e) => e.version === version);
  const signals = parsedJson(entry?.signals);
  return typeof signals === 'object' && signals !== null && !Array.isArray(signals) ? (signals as Record<string, unknown>) : {};
}

function jsonSchemaOf(schema: unknown): unknown {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    // A schema JSON Schema cannot express (a transform): offered without one.
    return {};
  }
}

function invalid(message: string): never {
  throw new ToolArgumentError(message);
}

/** A tool's arguments that are not what it takes: answered as BATON_INVALID_ARGUMENT. */
export class ToolArgumentError extends Error {
  readonly code = 'BATON_INVALID_ARGUMENT';
}
