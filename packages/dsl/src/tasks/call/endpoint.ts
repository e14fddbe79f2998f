/**
 * The DSL's `endpoint`: a URI (template) string, or `{ uri, authentication }`. Template variables come
 * from the task input (see uri-template.ts).
 */
import { expandUriTemplate } from './uri-template.js';
import { configurationFault } from './call-fault.js';
import { isRecord } from './call-context.js';

export interface ResolvedEndpoint {
  url: URL;
  /** The endpoint's authentication policy (inline, `{ use }` or a name), not yet evaluated. */
  authentication?: unknown;
}

export function resolveEndpoint(endpoint: unknown, input: unknown, what: string, instance: string): ResolvedEndpoint {
  const uri = isRecord(endpoint) ? endpoint.uri : endpoint;
  if (typeof uri !== 'string' || uri === '')
    throw configurationFault(`${what} has no endpoint URI: give a URI string or { uri, authentication }`, { instance });
  const expanded = expandUriTemplate(uri, input, instance);
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    throw configurationFault(`${what}: '${expanded}' is not an absolute URI`, { instance });
  }
  return isRecord(endpoint) && endpoint.authentication !== undefined ? { url, authentication: endpoint.authentication } : { url };
}
