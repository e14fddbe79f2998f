/**
 * OpenAPI documents (2.0 and 3.x, JSON or YAML) for `call: openapi`: fetched once per interpreter
 * options and URL, then searched for an operation by its `operationId`, with its path-level and
 * operation-level parameters merged and local `$ref`s resolved.
 */
import { parse as parseYaml } from 'yaml';
import type { InterpreterOptions } from '../../runtime/interpreter-options.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { authorizationHeader } from './authentication.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { resolveEndpoint } from './endpoint.js';
import { exchangeHttp } from './http-exchange.js';

export type OpenApiDocument = Record<string, unknown>;

/** Per interpreter options (instances, not a process-wide table): document URL → document. */
const documentCaches = new WeakMap<InterpreterOptions, Map<string, OpenApiDocument>>();

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body' | 'formData';
  required?: boolean;
  /** Swagger 2: how an array is sent (`csv` by default, `multi` repeats the parameter). */
  collectionFormat?: string;
  /** OpenAPI 3: how an array is sent (`form` and `explode` by default, which repeats the parameter). */
  style?: string;
  explode?: boolean;
}

export interface OpenApiOperation {
  method: string;
  path: string;
  operation: Record<string, unknown>;
  parameters: OpenApiParameter[];
  /** The servers that apply to the operation (OpenAPI 3): operation, path, then document level. */
  servers: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The document at `resource.endpoint` (an external resource), fetched on first use. */
export async function loadOpenApiDocument(resource: unknown, input: unknown, scope: CallScope): Promise<{ url: URL; document: OpenApiDocument }> {
  if (!isRecord(resource)) throw configurationFault('call: openapi needs document.endpoint, the OpenAPI document to call', scope);
  const endpoint = resolveEndpoint(resource.endpoint, input, 'the OpenAPI document', scope.instance);
  let cache = documentCaches.get(scope.options);
  if (cache === undefined) {
    cache = new Map();
    documentCaches.set(scope.options, cache);
  }
  const cached = cache.get(endpoint.url.href);
  if (cached !== undefined) return { url: endpoint.url, document: cached };
  const headers: Record<string, string> = { accept: 'application/json, application/yaml;q=0.9, */*;q=0.8' };
  const authorization = await authorizationHeader(endpoint.authentication, scope);
  if (authorization !== undefined) headers.authorization = authorization;
  const content = await exchangeHttp({ method: 'get', url: endpoint.url, headers }, { output: 'content', redirect: true }, scope);
  const document = typeof content === 'string' ? parseText(content, endpoint.url, scope) : content;
  if (!isRecord(document) || (document.swagger === undefined && document.openapi === undefined) || !isRecord(document.paths)) {
    throw standardFault('communication', `${endpoint.url.href} is not an OpenAPI 2 or 3 document (no swagger/openapi version or paths)`, {
      instance: scope.instance,
    });
  }
  cache.set(endpoint.url.href, document);
  return { url: endpoint.url, document };
}

function parseText(text: string, url: URL, scope: CallScope): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw standardFault('communication', `the OpenAPI document ${url.href} is neither JSON nor YAML: ${(error as Error).message}`, {
      instance: scope.instance,
    });
  }
}

/** The operation with `operationId`, or a configuration fault listing the ones the document has. */
export function findOperation(document: OpenApiDocument, operationId: string, scope: CallScope): OpenApiOperation {
  const known: string[] = [];
  for (const [path, pathItemValue] of Object.entries(document.paths as Record<string, unknown>)) {
    const pathItem = resolveRef(document, pathItemValue);
    if (!isRecord(pathItem)) continue;
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isRecord(operation) || typeof operation.operationId !== 'string') continue;
      if (operation.operationId !== operationId) {
        known.push(operation.operationId);
        continue;
      }
      return {
        method,
        path,
        operation,
        parameters: mergeParameters(document, pathItem.parameters, operation.parameters),
        servers: firstList(operation.servers, pathItem.servers, document.servers),
      };
    }
  }
  throw configurationFault(`the OpenAPI document has no operation '${operationId}'${known.length ? ` (it has ${known.slice(0, 30).join(', ')})` : ''}`, scope);
}

/** Operation-level parameters override path-level ones with the same name and location. */
function mergeParameters(document: OpenApiDocument, pathLevel: unknown, operationLevel: unknown): OpenApiParameter[] {
  const merged = new Map<string, OpenApiParameter>();
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const parameter = resolveRef(document, entry);
      if (isRecord(parameter) && typeof parameter.name === 'string' && typeof parameter.in === 'string') {
        merged.set(`${parameter.in}:${parameter.name}`, parameter as unknown as OpenApiParameter);
      }
    }
  }
  return [...merged.values()];
}

/** Follows local references (`#/components/parameters/x`); other values are returned as they are. */
export function resolveRef(document: OpenApiDocument, value: unknown, depth = 0): unknown {
  if (!isRecord(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/') || depth > 20) return value;
  let target: unknown = document;
  for (const segment of value.$ref.slice(2).split('/')) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isRecord(target) ? target[key] : undefined;
  }
  return resolveRef(document, target, depth + 1);
}

function firstList(...lists: unknown[]): unknown[] {
  for (const list of lists) if (Array.isArray(list) && list.length > 0) return list;
  return [];
}
