/**
 * Runs and their journals as MCP resources: `baton://runs/{id}` (the run) and
 * `baton://runs/{id}/journal` (its journal entries), both JSON. A client may subscribe to either; while
 * it is subscribed the server sends `notifications/resources/updated` each time the run moves. Reads go
 * through the server's Client, so a client acting for a namespace reads only that namespace's runs.
 */
import { ErrorCode as BatonCode, hasErrorCode, isBatonError, errorMessage, type Client, type Logger, type RunInfo } from '@baton/core';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ReadResourceResult,
  type Resource,
} from '@modelcontextprotocol/sdk/types.js';
import { journalJson, jsonText, runJson } from './resources-json.js';
import { RunWatcher, type ChangeFeed } from './resources-watcher.js';

export interface RunResourcesOptions {
  client: Client;
  /** The store's change feed, the cheapest way to notice journal growth (see RunWatcher). */
  changes?: ChangeFeed | undefined;
  /** How often subscribed runs are looked at (default 500 ms). */
  pollMs?: number | undefined;
  /** Most subscriptions one client (one server) holds at once (default 100). */
  maxSubscriptions?: number | undefined;
  logger: Logger;
}

/** MCP's error code for a resource that does not exist (the specification's -32002). */
export const RESOURCE_NOT_FOUND = -32002;

/** How many of the most recent runs `resources/list` offers. */
const RECENT_RUNS = 50;
/** How many of the runs waiting for a person `resources/list` offers. */
const WAITING_RUNS = 50;

const MIME = 'application/json';
const runTemplate = new UriTemplate('baton://runs/{id}');
const journalTemplate = new UriTemplate('baton://runs/{id}/journal');

/** The capability `createMcpServer` declares for these resources. */
export const RUN_RESOURCES_CAPABILITY = { subscribe: true } as const;

type RunResourceUri = { runId: string; kind: 'run' | 'journal' };

/** Registers the run resources' handlers on `server` (which declares RUN_RESOURCES_CAPABILITY). */
export function registerRunResources(server: Server, options: RunResourcesOptions): void {
  const { client } = options;
  const maxSubscriptions = options.maxSubscriptions ?? 100;
  /** Subscribed uri → its run. */
  const subscriptions = new Map<string, string>();
  const watcher = new RunWatcher({
    client,
    changes: options.changes,
    pollMs: options.pollMs,
    logger: options.logger,
    onChange: (runId) => {
      for (const [uri, id] of subscriptions) {
        if (id !== runId) continue;
        server.sendResourceUpdated({ uri }).catch((error: unknown) => options.logger.warn({ err: error, uri }, 'MCP resource update not sent'));
      }
    },
  });
  const closed = server.onclose;
  server.onclose = () => {
    watcher.stop();
    subscriptions.clear();
    closed?.();
  };

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: runTemplate.toString(),
        name: 'run',
        title: 'A Baton run',
        description: 'A run: its status, workflow, version, input, output or error, progress, timestamps and what it waits for.',
        mimeType: MIME,
      },
      {
        uriTemplate: journalTemplate.toString(),
        name: 'run-journal',
        title: "A Baton run's journal",
        description: 'The journal of a run: every step, sleep, signal and child it recorded, in order.',
        mimeType: MIME,
      },
    ],
  }));

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const runs = await guarded(options.logger, async () => {
      const [recent, inbox] = await Promise.all([client.list({ limit: RECENT_RUNS }), client.inbox.list({ limit: WAITING_RUNS })]);
      return { recent: recent.runs, waiting: inbox.entries };
    });
    const waitingIds = new Set(runs.waiting.map((e) => e.run.id));
    const resources: Resource[] = runs.waiting.map((e) => runResource(e.run, `Waits for a person's signal (${e.signals.join(', ')}).`));
    for (const run of runs.recent) if (!waitingIds.has(run.id)) resources.push(runResource(run, `One of the ${RECENT_RUNS} most recent runs; ${run.status}.`));
    return { resources };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request): Promise<ReadResourceResult> => {
    const { uri } = request.params;
    const target = parseUri(uri);
    const text = await guarded(options.logger, async () => {
      if (target.kind === 'run') {
        const run = await client.get(target.runId);
        if (run === undefined) throw notFound(uri, target.runId);
        return jsonText(runJson(run));
      }
      const found = await client.inspect(target.runId);
      if (found === undefined) throw notFound(uri, target.runId);
      return jsonText(journalJson(found.run, found.journal));
    });
    return { contents: [{ uri, mimeType: MIME, text }] };
  });

  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const { uri } = request.params;
    const target = parseUri(uri);
    if (subscriptions.has(uri)) return {};
    const full = (): McpError =>
      new McpError(
        ErrorCode.InvalidParams,
        `${BatonCode.InvalidArgument}: this client holds ${maxSubscriptions} subscriptions, the most it may: unsubscribe from runs it no longer follows.`,
        { code: BatonCode.InvalidArgument, uri: uri.slice(0, 200) },
      );
    if (subscriptions.size >= maxSubscriptions) throw full();
    await guarded(options.logger, async () => {
      if ((await client.get(target.runId)) === undefined) throw notFound(uri, target.runId);
      // Another subscription may have been added while the run was read.
      if (subscriptions.has(uri)) return;
      if (subscriptions.size >= maxSubscriptions) throw full();
      subscriptions.set(uri, target.runId);
      try {
        await watcher.watch(target.runId);
      } catch (error) {
        subscriptions.delete(uri);
        throw error;
      }
    });
    return {};
  });

  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    const { uri } = request.params;
    const runId = subscriptions.get(uri);
    subscriptions.delete(uri);
    if (runId !== undefined && ![...subscriptions.values()].includes(runId)) watcher.unwatch(runId);
    return {};
  });
}

function runResource(run: RunInfo, description: string): Resource {
  return { uri: runUri(run.id), name: run.id, title: `${run.workflow} ${run.id}`, description, mimeType: MIME };
}

/** The uri of a run's resource. */
export function runUri(runId: string): string {
  return runTemplate.expand({ id: runId });
}

/** The uri of a run's journal resource. */
export function journalUri(runId: string): string {
  return journalTemplate.expand({ id: runId });
}

function parseUri(uri: string): RunResourceUri {
  const journal = journalTemplate.match(uri);
  const run = journal === null ? runTemplate.match(uri) : null;
  const id = (journal ?? run)?.id;
  let runId: string | undefined;
  try {
    runId = typeof id === 'string' ? decodeURIComponent(id) : undefined;
  } catch {
    runId = undefined;
  }
  if (runId === undefined || runId.length === 0) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `${BatonCode.InvalidArgument}: '${uri.slice(0, 200)}' is not a Baton resource: use baton://runs/{id} or baton://runs/{id}/journal.`,
      { code: BatonCode.InvalidArgument, uri: uri.slice(0, 200) },
    );
  }
  return { runId, kind: journal === null ? 'run' : 'journal' };
}

function notFound(uri: string, runId: string): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `${BatonCode.RunNotFound}: no run with id '${runId.slice(0, 200)}'.`, {
    code: BatonCode.RunNotFound,
    uri: uri.slice(0, 200),
  });
}

/** Runs a read; Baton's refusals become invalid params with their code, anything else is logged. */
async function guarded<T>(logger: Logger, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof McpError) throw error;
    if (isBatonError(error)) {
      const code = hasErrorCode(error, BatonCode.RunNotFound) ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
      throw new McpError(code, `${error.code}: ${error.message}`, { code: error.code });
    }
    logger.error({ err: error }, 'MCP resource request failed unexpectedly');
    throw new McpError(ErrorCode.InternalError, `BATON_INTERNAL: ${errorMessage(error)}`, { code: 'BATON_INTERNAL' });
  }
}
