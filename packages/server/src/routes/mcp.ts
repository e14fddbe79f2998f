/**
 * The Model Context Protocol at /mcp (Streamable HTTP): MCP clients reach the workflows as tools with
 * an API key, as the API does. Each session (its `Mcp-Session-Id`) has its own MCP server acting for
 * the key that opened it: a viewer key gets the tools that change nothing, runs are read and changed
 * in the key's namespace, and every tools/call is in the audit log (`mcp.call`, by the key). A session
 * ends on DELETE, after `idleMs` without a request, or when the server closes; at most `maxSessions`
 * are open at once.
 */
import { Auditor, systemClock, type ApiKeyRecord, type Client, type Logger, type Store, type WorkflowRegistry } from '@baton/core';
import { createMcpServer, openMcpHttpSession, type McpHttpSession, type McpToolCall } from '@baton/mcp';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { apiKeyOf } from '../acting.js';
import { authorize } from '../auth.js';
import { ApiErrorCode, apiError } from '../errors.js';

export interface McpRouteOptions {
  /** How long a workflow tool waits for its run before answering with the run id (default 20 000 ms). */
  waitMs?: number;
  /** Sessions open at once; an initialize beyond it answers 503 BATON_MCP_SESSIONS_FULL. Default 100. */
  maxSessions?: number;
  /** A session without a request for this long is closed (default 30 minutes). */
  idleMs?: number;
  /** How often a session's tool list is read again to tell its client of changes (default 10 000 ms). */
  toolsPollMs?: number;
  /** How often a waited-for run's progress is read for a caller that asked for progress (default 1000 ms). */
  progressPollMs?: number;
  /** Where unexpected tool failures are logged (default: JSON lines on stderr). */
  logger?: Logger;
}

export interface McpRouteDependencies {
  client: Client;
  store: Store;
  workflows: WorkflowRegistry | undefined;
  /** False: no API key needed (a server no one else can reach). */
  auth: boolean;
}

interface Session {
  http: McpHttpSession;
  /** The key that opened it ('' without auth): only it may use the session. */
  keyId: string;
  idle: ReturnType<typeof setTimeout> | undefined;
}

const SESSION_HEADER = 'mcp-session-id';

/** Serves /mcp; `close()` ends every session (the server is stopping). */
export function registerMcpRoute(app: OpenAPIHono, deps: McpRouteDependencies, options: McpRouteOptions = {}): { close(): Promise<void> } {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 100;
  const idleMs = options.idleMs ?? 30 * 60_000;
  /** Sessions being opened (counted against the limit until they are initialized or dropped). */
  let opening = 0;

  const end = async (id: string): Promise<void> => {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    clearTimeout(session.idle);
    await session.http.close().catch(() => {});
  };
  const touch = (id: string, session: Session): void => {
    clearTimeout(session.idle);
    session.idle = setTimeout(() => void end(id), idleMs).unref();
  };

  const open = (key: ApiKeyRecord | undefined): Promise<McpHttpSession> => {
    const actor = key === undefined ? { id: 'local' } : { id: key.id, namespace: key.namespace };
    const auditor = new Auditor(deps.store, systemClock, actor);
    const server = createMcpServer({
      client: deps.client.as(actor),
      store: deps.store,
      changes: deps.store,
      ...(deps.workflows === undefined ? {} : { workflows: deps.workflows }),
      ...(key === undefined ? {} : { role: key.role }),
      audit: (call: McpToolCall) => auditor.record('mcp.call', call.runId, call.result, { tool: call.tool, ...call.detail }),
      ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
      ...(options.toolsPollMs === undefined ? {} : { toolsPollMs: options.toolsPollMs }),
      ...(options.progressPollMs === undefined ? {} : { progressPollMs: options.progressPollMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return openMcpHttpSession(server, { onClosed: (id) => void end(id) });
  };

  app.all('/mcp', async (c) => {
    if (deps.auth) {
      const refused = await authorize(deps.store, c, 'viewer');
      if (refused !== undefined) return refused;
    }
    const key = apiKeyOf(c);
    const id = c.req.header(SESSION_HEADER);
    if (id !== undefined) {
      const session = sessions.get(id);
      if (session === undefined)
        return c.json(
          apiError(
            ApiErrorCode.McpSessionNotFound,
            `No MCP session '${id.slice(0, 100)}' is open (it was closed, timed out, or the server restarted): initialize a new one.`,
          ),
          404,
        );
      if (session.keyId !== (key?.id ?? '')) return c.json(apiError('BATON_FORBIDDEN', 'This MCP session was opened with another API key.'), 403);
      touch(id, session);
      return session.http.handle(c.req.raw);
    }
    if (c.req.method !== 'POST')
      return c.json(
        apiError('BATON_INVALID_ARGUMENT', `${c.req.method} /mcp needs the Mcp-Session-Id header of an open session; open one with an initialize POST.`),
        400,
      );
    if (sessions.size + opening >= maxSessions) {
      c.header('Retry-After', '60');
      return c.json(
        apiError(ApiErrorCode.McpSessionsFull, `${maxSessions} MCP sessions are open, the most this server keeps: close one (DELETE /mcp) or try again later.`),
        503,
      );
    }
    opening += 1;
    try {
      const http = await open(key);
      const response = await http.handle(c.req.raw);
      // Anything but an initialize opens nothing (the transport answered why): the server is dropped.
      if (http.id === undefined) await http.close();
      else {
        const session: Session = { http, keyId: key?.id ?? '', idle: undefined };
        sessions.set(http.id, session);
        touch(http.id, session);
      }
      return response;
    } finally {
      opening -= 1;
    }
  });

  return {
    async close() {
      await Promise.all([...sessions.keys()].map((id) => end(id)));
    },
  };
}
