/**
 * One MCP session over Streamable HTTP: an MCP server connected to the SDK's web-standard transport
 * (Request in, Response out, so any HTTP framework can carry it). The transport gives the session its
 * id (`Mcp-Session-Id`) when the client's initialize arrives, answers GET with the server-to-client
 * event stream, and ends the session on DELETE. Who may use which session is the HTTP server's to decide.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export interface McpHttpSession {
  /** The session id, once an initialize opened the session. */
  readonly id: string | undefined;
  /** Answers one HTTP request of this session (POST messages, GET stream, DELETE). */
  handle(request: Request): Promise<Response>;
  /** Ends the session: its streams close and its server stops. */
  close(): Promise<void>;
}

export interface McpHttpSessionHooks {
  /** The client ended the session (DELETE). */
  onClosed?(id: string): void;
}

/** Connects `server` to a new Streamable HTTP transport; the first request handled must be an initialize. */
export async function openMcpHttpSession(server: Server, hooks: McpHttpSessionHooks = {}): Promise<McpHttpSession> {
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessionclosed: (id) => hooks.onClosed?.(id),
  });
  await server.connect(transport);
  return {
    get id() {
      return transport.sessionId;
    },
    handle: (request) => transport.handleRequest(request),
    close: () => server.close(),
  };
}
