/**
 * `call: http` ("HTTP Call" in the reference): method, endpoint (URI template or `{ uri,
 * authentication }`), headers, query, body (JSON unless an explicit content-type says otherwise),
 * output (`content`, `response`, `raw`) and redirect.
 */
import { authorizationHeader } from './authentication.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { resolveEndpoint } from './endpoint.js';
import { exchangeHttp, HTTP_OUTPUT_FORMATS, type HttpOutputFormat } from './http-exchange.js';

export async function performHttpCall(args: Record<string, unknown>, input: unknown, scope: CallScope): Promise<unknown> {
  const method = args.method;
  if (typeof method !== 'string' || method === '') throw configurationFault('call: http needs a method (get, post, put, delete…)', scope);
  const endpoint = resolveEndpoint(args.endpoint, input, 'call: http', scope.instance);
  const url = endpoint.url;
  for (const [name, value] of queryEntries(args.query, scope)) url.searchParams.append(name, value);
  const headers = stringMap(args.headers, 'headers', scope);
  const body = encodeBody(args.body, headers);
  const authorization = await authorizationHeader(endpoint.authentication ?? args.authentication, scope);
  if (authorization !== undefined) headers.authorization = authorization;
  return exchangeHttp(
    { method, url, headers, ...(body === undefined ? {} : { body }) },
    { output: outputFormat(args.output, scope), redirect: args.redirect === true },
    scope,
  );
}

/** The task's `output` setting (default `content`). */
export function outputFormat(output: unknown, scope: CallScope): HttpOutputFormat {
  if (output === undefined) return 'content';
  if (HTTP_OUTPUT_FORMATS.includes(output as HttpOutputFormat)) return output as HttpOutputFormat;
  throw configurationFault(`output ${JSON.stringify(output)} is not one of ${HTTP_OUTPUT_FORMATS.join(', ')}`, scope);
}

/** A name → value map of headers or query parameters, values as text (non-strings as JSON). */
export function stringMap(value: unknown, what: string, scope: CallScope): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw configurationFault(`${what} must be a name/value map, not ${JSON.stringify(value)}`, scope);
  const result: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (entry === undefined || entry === null) continue;
    result[name] = textOf(entry);
  }
  return result;
}

/** Query parameters as name/value pairs: an array value repeats its parameter (`?tag=a&tag=b`). */
function queryEntries(query: unknown, scope: CallScope): [string, string][] {
  if (!isRecord(query)) return Object.entries(stringMap(query, 'query', scope));
  return Object.entries(query).flatMap(([name, value]) =>
    Array.isArray(value)
      ? value.map((item): [string, string] => [name, textOf(item)])
      : value === undefined || value === null
        ? []
        : [[name, textOf(value)] as [string, string]],
  );
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The request body: as the explicit content-type says (text as it is, form fields URL-encoded), JSON
 * otherwise (and the content-type set to JSON). No body (undefined or null) sends none.
 */
export function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  const typeHeader = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  const contentType = typeHeader === undefined ? undefined : headers[typeHeader];
  if (contentType === undefined) {
    headers['content-type'] = 'application/json';
    return JSON.stringify(body);
  }
  if (/json/i.test(contentType)) return typeof body === 'string' ? body : JSON.stringify(body);
  if (/x-www-form-urlencoded/i.test(contentType) && isRecord(body)) {
    return new URLSearchParams(
      Object.entries(body).map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
    ).toString();
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}
