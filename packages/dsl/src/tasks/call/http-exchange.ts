/**
 * One HTTP exchange of a `call` task (`http` and `openapi`): sends the request (through the host
 * aliases and the configured fetch), applies the DSL's redirect rule, turns a failed status into the
 * DSL's fault, and shapes the task output (`content`, `response` or `raw`).
 */
import type { InterpreterOptions } from '../../runtime/interpreter-options.js';
import { standardFault, type WorkflowFault } from '../../runtime/workflow-fault.js';
import { applyHostAlias } from './host-aliases.js';
import { readContent } from './http-content.js';

export const HTTP_OUTPUT_FORMATS = ['content', 'response', 'raw'] as const;
export type HttpOutputFormat = (typeof HTTP_OUTPUT_FORMATS)[number];

/** A request as the definition describes it (before host aliases). */
export interface HttpRequest {
  /** As written in the definition (e.g. `get`); sent upper-cased. */
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface HttpExchangeOptions {
  output: HttpOutputFormat;
  /** `true`: 3xx responses are followed and accepted; `false` (default): neither. */
  redirect: boolean;
}

export interface HttpExchangeContext {
  options: InterpreterOptions;
  signal: AbortSignal;
  /** The task's JSON pointer, set as each fault's `instance`. */
  instance: string;
}

/** The DSL's "HTTP Response" object (`output: response`). */
export interface HttpResponseObject {
  request: { method: string; uri: string; headers: Record<string, string> };
  statusCode: number;
  headers: Record<string, string>;
  content?: unknown;
}

/** Headers that carry credentials: never copied into the task output, which is journaled. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Sends `request` and returns the task output, or throws the DSL fault for a failed exchange. */
export async function exchangeHttp(request: HttpRequest, exchange: HttpExchangeOptions, context: HttpExchangeContext): Promise<unknown> {
  const response = await sendHttp(request, exchange.redirect, context);
  const bytes = new Uint8Array(await readBody(response, request, context));
  const okUpTo = exchange.redirect ? 399 : 299;
  if (response.status < 200 || response.status > okUpTo) throw statusFault(request, response, bytes, context.instance);
  if (exchange.output === 'raw') return Buffer.from(bytes).toString('base64');
  const content = readContent(bytes, response.headers.get('content-type'));
  if (exchange.output === 'content') return content;
  const result: HttpResponseObject = {
    request: { method: request.method, uri: request.url.href, headers: visibleHeaders(Object.entries(request.headers)) },
    statusCode: response.status,
    headers: visibleHeaders(response.headers.entries()),
    content,
  };
  return result;
}

/**
 * Sends the request; a network failure is a communication fault, an abort is rethrown as it is.
 * Redirects are followed here rather than by fetch, so each hop goes through the host aliases too
 * (a redirect to an aliased host stays on the alias); 303, and 301/302 after a POST, become a GET.
 */
export async function sendHttp(request: HttpRequest, redirect: boolean, context: HttpExchangeContext): Promise<Response> {
  let hop = request;
  for (let hops = 0; ; hops += 1) {
    const response = await sendOnce(hop, context);
    const location = response.headers.get('location');
    if (!redirect || !REDIRECT_STATUSES.has(response.status) || location === null) return response;
    if (hops === MAX_REDIRECTS)
      throw standardFault('communication', `${request.method.toUpperCase()} ${request.url.href}: more than ${MAX_REDIRECTS} redirects`, {
        instance: context.instance,
      });
    await response.body?.cancel();
    let url: URL;
    try {
      url = new URL(location, hop.url);
    } catch {
      throw standardFault('communication', `${hop.url.href} redirected to an invalid location '${location}'`, { instance: context.instance });
    }
    const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && hop.method.toLowerCase() === 'post');
    const headers = { ...hop.headers };
    if (url.origin !== hop.url.origin) delete headers.authorization;
    if (toGet) for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
    hop = toGet ? { method: 'get', url, headers } : { ...hop, url, headers };
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

async function sendOnce(request: HttpRequest, context: HttpExchangeContext): Promise<Response> {
  const fetchImpl = context.options.fetch ?? fetch;
  const target = applyHostAlias(request.url, context.options.hostAliases);
  try {
    return await fetchImpl(target, {
      method: request.method.toUpperCase(),
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: context.signal,
    });
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    throw standardFault('communication', `${request.method.toUpperCase()} ${request.url.href} failed: ${describeCause(error)}`, {
      instance: context.instance,
    });
  }
}

async function readBody(response: Response, request: HttpRequest, context: HttpExchangeContext): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    throw standardFault('communication', `reading the response of ${request.method.toUpperCase()} ${request.url.href} failed: ${describeCause(error)}`, {
      instance: context.instance,
    });
  }
}

/** 401 is the authentication fault, 403 the authorization fault, any other status a communication fault; each keeps the HTTP status. */
function statusFault(request: HttpRequest, response: Response, bytes: Uint8Array, instance: string): WorkflowFault {
  const kind = response.status === 401 ? 'authentication' : response.status === 403 ? 'authorization' : 'communication';
  const excerpt = Buffer.from(bytes.subarray(0, 300)).toString('utf8').trim();
  const location =
    response.status >= 300 && response.status < 400
      ? ` (redirect to ${response.headers.get('location') ?? 'nowhere'} not followed: set redirect: true to accept it)`
      : '';
  const detail = `${request.method.toUpperCase()} ${request.url.href} answered HTTP ${response.status}${location}${excerpt ? `: ${excerpt}` : ''}`;
  return standardFault(kind, detail, { status: response.status, instance });
}

function visibleHeaders(entries: Iterable<[string, string]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) if (!SECRET_HEADERS.has(name.toLowerCase())) headers[name] = value;
  return headers;
}

/** The message of a fetch failure, with undici's underlying cause (e.g. ECONNREFUSED) when there is one. */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
