/**
 * Baton as an A2A agent: the agent card at GET /.well-known/agent-card.json (public, as discovery
 * expects; it says an API key is needed) and the JSON-RPC endpoint at POST /a2a, answering A2A v1.0
 * (`SendMessage`, `GetTask`…) and v0.3 (`message/send`, `tasks/get`…) through the SDK's transports;
 * streaming methods answer as server-sent events. The `A2A-Version` header chooses the version (0.x is
 * v0.3), and without it the method's name does. Each request acts through its key's client: reading a
 * task needs a viewer, anything else an operator.
 */
import { A2A_VERSION_HEADER, formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from '@a2a-js/sdk';
import { isLegacyJsonRpcMethod } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { JsonRpcTransportHandler, validateVersion } from '@a2a-js/sdk/server';
import { agentCardJson, batonCallContext, createA2aRequestHandler, legacyAgentCardJson, type AgentCardOptions } from '@baton/a2a';
import type { Client, Role, Store, WorkflowRegistry } from '@baton/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actingClient, apiKeyOf } from '../acting.js';
import { authorize } from '../auth.js';
import type { UnexpectedErrorListener } from '../error-handler.js';
import { malformedA2aRequest, type MalformedRequest } from './a2a-request-check.js';

export interface A2aOptions {
  /** The workflows offered as skills, by name; default every workflow the server has but Baton's own. */
  workflows?: readonly string[];
  /** The agent's name on its card (default 'Baton'). */
  name?: string;
  /** What the agent does, on its card. */
  description?: string;
  /** The server's public URL (e.g. https://baton.example.com); the card names `<url>/a2a`. Default: the URL a request came to. */
  publicUrl?: string;
  /** Example requests per workflow name, shown on its skill. */
  examples?: Record<string, string[]>;
}

export interface A2aRouteOptions {
  client: Client;
  store: Store;
  workflows: WorkflowRegistry;
  auth: boolean;
  a2a: A2aOptions;
  onError: UnexpectedErrorListener | undefined;
}

export const A2A_PATH = '/a2a';
export const AGENT_CARD_PATH = '/.well-known/agent-card.json';

/** Methods that only read: a viewer's (in both versions' spelling). */
const READS = new Set([
  'GetTask',
  'ListTasks',
  'SubscribeToTask',
  'GetExtendedAgentCard',
  'GetTaskPushNotificationConfig',
  'ListTaskPushNotificationConfigs',
  'tasks/get',
  'tasks/resubscribe',
  'agent/getAuthenticatedExtendedCard',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
]);

const INTERNAL_ERROR = -32603;

/** Serves the card and the JSON-RPC endpoint; `close` stops following runs for requests still open. */
export function registerA2aRoutes(app: OpenAPIHono, options: A2aRouteOptions): { close(): void } {
  const publicUrl = options.a2a.publicUrl?.replace(/\/+$/, '');
  const card: AgentCardOptions = {
    url: `${publicUrl ?? 'http://127.0.0.1'}${A2A_PATH}`,
    ...(options.a2a.name === undefined ? {} : { name: options.a2a.name }),
    ...(options.a2a.description === undefined ? {} : { description: options.a2a.description }),
    ...(options.a2a.examples === undefined ? {} : { examples: options.a2a.examples }),
  };
  const handler = createA2aRequestHandler({
    client: options.client,
    store: options.store,
    workflows: options.workflows,
    card,
    ...(options.a2a.workflows === undefined ? {} : { skills: options.a2a.workflows }),
  });
  const transport = new JsonRpcTransportHandler(handler);
  const legacyTransport = new LegacyJsonRpcTransportHandler(handler);

  app.get(AGENT_CARD_PATH, async (c) => {
    const url = `${publicUrl ?? new URL(c.req.url).origin}${A2A_PATH}`;
    const served = { ...handler.card, supportedInterfaces: handler.card.supportedInterfaces.map((i) => ({ ...i, url })) };
    const version = c.req.header(A2A_VERSION_HEADER);
    c.header('Vary', A2A_VERSION_HEADER);
    return c.json(isLegacyVersion(version) ? await legacyAgentCardJson(served) : agentCardJson(served));
  });

  app.post(A2A_PATH, async (c) => {
    const raw = await c.req.text();
    let body: { id?: unknown; method?: unknown } | undefined;
    let malformed: MalformedRequest | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      malformed = malformedA2aRequest(parsed);
      body = typeof parsed === 'object' && parsed !== null ? (parsed as typeof body) : undefined;
    } catch {
      body = undefined;
    }
    const method = typeof body?.method === 'string' ? body.method : undefined;
    if (options.auth) {
      const needed: Role = method !== undefined && READS.has(method) ? 'viewer' : 'operator';
      const refused = await authorize(options.store, c, needed);
      if (refused !== undefined) return refused;
    }
    const header = c.req.header(A2A_VERSION_HEADER);
    const legacy = header ? isLegacyVersion(header) : method === undefined || isLegacyJsonRpcMethod(method);
    const requestedVersion = header || (legacy ? '0.3' : '1.0');
    const id = typeof body?.id === 'string' || typeof body?.id === 'number' ? body.id : null;
    if (malformed !== undefined) return c.json({ jsonrpc: '2.0', id, error: malformed }, 200);
    const mapError = legacy ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError : JsonRpcTransportHandler.mapToJSONRPCError;
    const key = apiKeyOf(c);
    const context = batonCallContext({
      client: actingClient(c, options.client),
      scope: key?.namespace ?? '',
      requestedVersion,
      user: { isAuthenticated: key !== undefined, userName: key?.id ?? 'local' },
    });
    let answer: Awaited<ReturnType<JsonRpcTransportHandler['handle']>>;
    try {
      validateVersion(requestedVersion, handler.card, 'JSONRPC');
      answer = await (legacy ? legacyTransport : transport).handle(body ?? raw, context);
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.code === INTERNAL_ERROR) report(options.onError, error, c);
      return c.json({ jsonrpc: '2.0', id, error: mapped }, mapped.code === INTERNAL_ERROR ? 500 : 200);
    }
    if (!isAsyncIterable(answer)) {
      if ((answer.error as { code?: number } | undefined)?.code === INTERNAL_ERROR) report(options.onError, answer.error, c);
      return c.json(answer, 200);
    }
    const iterator = answer[Symbol.asyncIterator]();
    let first: IteratorResult<unknown>;
    try {
      first = await iterator.next();
    } catch (error) {
      // Refused before the stream began (bad input, unknown task): one JSON-RPC answer.
      const mapped = mapError(error);
      if (mapped.code === INTERNAL_ERROR) report(options.onError, error, c);
      return c.json({ jsonrpc: '2.0', id, error: mapped }, 200);
    }
    const encoder = new TextEncoder();
    let open = true;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const write = (text: string): void => {
          if (open) controller.enqueue(encoder.encode(text));
        };
        try {
          if (first.done !== true) write(formatSSEEvent(first.value));
          for (let next = await iterator.next(); open && next.done !== true; next = await iterator.next()) write(formatSSEEvent(next.value));
        } catch (error) {
          report(options.onError, error, c);
          write(formatSSEErrorEvent({ jsonrpc: '2.0', id, error: mapError(error) }));
        } finally {
          if (open) controller.close();
          open = false;
        }
      },
      // The client went away: stop reading events (the run goes on; tasks/get or a subscription finds it).
      async cancel() {
        open = false;
        await iterator.return?.(undefined);
      },
    });
    return new Response(stream, { status: 200, headers: SSE_HEADERS });
  });
  return { close: () => handler.close() };
}

/** A2A-Version 0.x (or none) is v0.3. */
function isLegacyVersion(version: string | undefined): boolean {
  return version === undefined || version.trim() === '' || version.trim().startsWith('0.');
}

function isAsyncIterable(value: unknown): value is AsyncGenerator<unknown, void, undefined> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

function report(onError: UnexpectedErrorListener | undefined, error: unknown, c: Context): void {
  const request = { requestId: c.res.headers.get('x-request-id') ?? c.req.header('x-request-id') ?? '', method: c.req.method, path: c.req.path, status: 500 };
  if (onError !== undefined) onError(error, request);
  else console.error(`baton api: ${request.method} ${request.path} failed:`, error);
}
