/**
 * `call: openapi` ("OpenAPI Call" in the reference): finds `operationId` in the document, builds the
 * request from `parameters` (path, query, header, cookie, body and form fields as the operation
 * declares them) against the document's server (OpenAPI 3 `servers`, Swagger 2 `schemes`/`host`/
 * `basePath`, else the document's own origin), and sends it like `call: http`.
 */
import { standardFault } from '../../runtime/workflow-fault.js';
import { authorizationHeader } from './authentication.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { encodeBody, outputFormat } from './http-call.js';
import { exchangeHttp } from './http-exchange.js';
import { findOperation, loadOpenApiDocument, resolveRef, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter } from './openapi-document.js';

export async function performOpenApiCall(args: Record<string, unknown>, input: unknown, scope: CallScope): Promise<unknown> {
  if (typeof args.operationId !== 'string' || args.operationId === '') throw configurationFault('call: openapi needs an operationId', scope);
  const { url: documentUrl, document } = await loadOpenApiDocument(args.document, input, scope);
  const operation = findOperation(document, args.operationId, scope);
  const values = isRecord(args.parameters) ? args.parameters : {};
  const used = new Set<string>();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const form: Record<string, unknown> = {};
  let body: unknown;
  let path = operation.path;
  const query: [string, string][] = [];

  for (const parameter of operation.parameters) {
    const value = values[parameter.name];
    if (value === undefined || value === null) {
      if (parameter.required === true) {
        throw standardFault('validation', `the operation ${args.operationId} needs the ${parameter.in} parameter '${parameter.name}'`, {
          instance: scope.instance,
        });
      }
      continue;
    }
    used.add(parameter.name);
    switch (parameter.in) {
      case 'path':
        path = path.split(`{${parameter.name}}`).join(encodeURIComponent(Array.isArray(value) ? value.map(text).join(',') : text(value)));
        break;
      case 'query':
        for (const item of queryValues(parameter, value, document.swagger !== undefined)) query.push([parameter.name, item]);
        break;
      case 'header':
        headers[parameter.name] = text(value);
        break;
      case 'cookie':
        cookies.push(`${parameter.name}=${encodeURIComponent(text(value))}`);
        break;
      case 'body':
        body = value;
        break;
      case 'formData':
        form[parameter.name] = value;
        break;
    }
  }
  if (cookies.length) headers.cookie = cookies.join('; ');
  const bodyType = requestBodyType(document, operation);
  if (Object.keys(form).length) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = form;
  } else if (body === undefined && bodyType !== undefined) {
    // OpenAPI 3 bodies are not parameters: `body` names it, else the arguments no parameter took.
    if (values.body !== undefined) body = values.body;
    else {
      const rest = Object.fromEntries(Object.entries(values).filter(([name]) => !used.has(name)));
      if (Object.keys(rest).length) body = rest;
    }
  }
  if (body !== undefined && bodyType !== undefined && headers['content-type'] === undefined) headers['content-type'] = bodyType;
  const accepts = responseTypes(document, operation);
  if (accepts.length) headers.accept = accepts.join(', ');

  const url = operationUrl(document, documentUrl, operation, path, scope);
  for (const [name, value] of query) url.searchParams.append(name, value);
  const encoded = encodeBody(body, headers);
  const authorization = await authorizationHeader(args.authentication, scope);
  if (authorization !== undefined) headers.authorization = authorization;
  return exchangeHttp(
    { method: operation.method, url, headers, ...(encoded === undefined ? {} : { body: encoded }) },
    { output: outputFormat(args.output, scope), redirect: args.redirect === true },
    scope,
  );
}

/** The base URL of the operation joined with its (expanded) path. */
function operationUrl(document: OpenApiDocument, documentUrl: URL, operation: OpenApiOperation, path: string, scope: CallScope): URL {
  let base: string;
  if (document.swagger !== undefined) {
    const schemes = Array.isArray(document.schemes) ? document.schemes.map(String) : [];
    const documentScheme = documentUrl.protocol.replace(':', '');
    const scheme = schemes.includes(documentScheme) || schemes.length === 0 ? documentScheme : schemes[0];
    const host = typeof document.host === 'string' ? document.host : documentUrl.host;
    base = `${scheme}://${host}${typeof document.basePath === 'string' ? document.basePath : ''}`;
  } else {
    const server = operation.servers[0];
    base = isRecord(server) && typeof server.url === 'string' ? serverUrl(server) : '/';
  }
  try {
    const resolved = new URL(base, documentUrl);
    return new URL(resolved.href.replace(/\/+$/, '') + path);
  } catch {
    throw configurationFault(`the OpenAPI server '${base}' with the path '${path}' does not make a URL`, scope);
  }
}

/** An OpenAPI 3 server URL with its variables at their defaults. */
function serverUrl(server: Record<string, unknown>): string {
  const variables = isRecord(server.variables) ? server.variables : {};
  return String(server.url).replace(/\{([^{}]+)\}/g, (_match, name: string) => {
    const variable = variables[name];
    return isRecord(variable) && variable.default !== undefined ? text(variable.default) : '';
  });
}

/** The content-type of the request body: JSON when the operation accepts it, else its first. */
function requestBodyType(document: OpenApiDocument, operation: OpenApiOperation): string | undefined {
  const requestBody = resolveRef(document, operation.operation.requestBody);
  const types = isRecord(requestBody) && isRecord(requestBody.content) ? Object.keys(requestBody.content) : consumes(document, operation);
  if (document.swagger !== undefined && !operation.parameters.some((parameter) => parameter.in === 'body')) return undefined;
  if (types.length === 0) return document.swagger !== undefined ? 'application/json' : undefined;
  return types.find((type) => /json/i.test(type)) ?? types[0];
}

function consumes(document: OpenApiDocument, operation: OpenApiOperation): string[] {
  const list = operation.operation.consumes ?? document.consumes;
  return Array.isArray(list) ? list.map(String) : [];
}

function responseTypes(document: OpenApiDocument, operation: OpenApiOperation): string[] {
  const produces = operation.operation.produces ?? document.produces;
  if (Array.isArray(produces)) return produces.map(String);
  const types = new Set<string>();
  const responses = isRecord(operation.operation.responses) ? operation.operation.responses : {};
  for (const response of Object.values(responses)) {
    const resolved = resolveRef(document, response);
    if (isRecord(resolved) && isRecord(resolved.content)) for (const type of Object.keys(resolved.content)) types.add(type);
  }
  return [...types];
}

/** Swagger 2 separator per `collectionFormat` (default csv; `multi` repeats the parameter). */
const COLLECTION_SEPARATORS: Record<string, string> = { csv: ',', ssv: ' ', tsv: '\t', pipes: '|' };
/** OpenAPI 3 separator per `style` when `explode` is false (form style explodes by default). */
const STYLE_SEPARATORS: Record<string, string> = { form: ',', spaceDelimited: ' ', pipeDelimited: '|' };

/** The query values of one parameter: an array is repeated or joined as the document's style says. */
function queryValues(parameter: OpenApiParameter, value: unknown, swagger: boolean): string[] {
  if (!Array.isArray(value)) return [text(value)];
  const items = value.map(text);
  const separator = swagger
    ? COLLECTION_SEPARATORS[parameter.collectionFormat ?? 'csv']
    : parameter.explode === false || (parameter.explode === undefined && parameter.style !== undefined && parameter.style !== 'form')
      ? STYLE_SEPARATORS[parameter.style ?? 'form']
      : undefined;
  return separator === undefined ? items : [items.join(separator)];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
