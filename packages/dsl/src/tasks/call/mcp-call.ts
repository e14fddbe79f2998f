/**
 * `call: mcp` ("MCP Call" in the reference): one request (`tools/call`, `tools/list`, `prompts/get`,
 * `resources/read`…) to the MCP server of `transport` (`stdio: { command, arguments, environment }`
 * or `http: { endpoint, headers }`), made through @baton/mcp's pooled client, which sends `initialize`
 * first. The output is the JSON-RPC result. Every failure, and a tool result with `isError: true`, is
 * the DSL's runtime error, so `try` can catch it; `protocolVersion` and `client` are accepted, the
 * SDK negotiating the version and Baton naming itself.
 */
import { isBatonError } from '@baton/core';
import { MCP_METHODS, isMcpMethod, mcpRequest, type McpServerConfig } from '@baton/mcp';
import { durationMs } from '../../runtime/duration.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { authorizationHeader } from './authentication.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { resolveEndpoint } from './endpoint.js';

export async function performMcpCall(args: Record<string, unknown>, input: unknown, scope: CallScope): Promise<unknown> {
  const method = args.method;
  if (!isMcpMethod(method)) throw configurationFault(`call: mcp needs a method, one of ${MCP_METHODS.join(', ')} (it has ${JSON.stringify(method)})`, scope);
  const parameters = args.parameters;
  if (parameters !== undefined && !isRecord(parameters)) {
    throw configurationFault(`call: mcp parameters must evaluate to an object, not ${Array.isArray(parameters) ? 'an array' : typeof parameters}`, scope);
  }
  const server = await serverOf(args.transport, input, scope);
  const timeoutMs = args.timeout === undefined ? undefined : durationMs(args.timeout, `The timeout of the MCP call at ${scope.instance}`);
  let result: Record<string, unknown>;
  try {
    result = await mcpRequest(server, method, parameters, { signal: scope.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (error) {
    if (scope.signal.aborted || !isBatonError(error)) throw error;
    throw standardFault('runtime', `${error.message} (${error.code})`, { instance: scope.instance });
  }
  if (method === 'tools/call' && result.isError === true) {
    throw standardFault('runtime', `The MCP tool '${String(parameters?.name)}' reported an error: ${toolText(result) || 'no details given'}`, {
      instance: scope.instance,
    });
  }
  return result;
}

async function serverOf(transport: unknown, input: unknown, scope: CallScope): Promise<McpServerConfig> {
  if (isRecord(transport) && isRecord(transport.stdio)) {
    const { command, arguments: argv, environment } = transport.stdio;
    if (typeof command !== 'string' || command === '') throw configurationFault('call: mcp transport.stdio needs a command', scope);
    if (argv !== undefined && !(Array.isArray(argv) && argv.every((a) => typeof a === 'string'))) {
      throw configurationFault('call: mcp transport.stdio.arguments must be a list of strings', scope);
    }
    return {
      command,
      ...(argv === undefined ? {} : { args: argv as string[] }),
      ...(environment === undefined ? {} : { env: stringMap(environment, 'transport.stdio.environment', scope) }),
    };
  }
  if (isRecord(transport) && isRecord(transport.http)) {
    const { url, authentication } = resolveEndpoint(transport.http.endpoint, input, 'call: mcp transport.http', scope.instance);
    const headers = transport.http.headers === undefined ? {} : stringMap(transport.http.headers, 'transport.http.headers', scope);
    const authorization = await authorizationHeader(authentication, scope);
    if (authorization !== undefined) headers.authorization = authorization;
    return { url: url.href, ...(Object.keys(headers).length === 0 ? {} : { headers }) };
  }
  throw configurationFault('call: mcp needs a transport: stdio: { command, arguments?, environment? } or http: { endpoint, headers? }', scope);
}

function stringMap(value: unknown, what: string, scope: CallScope): Record<string, string> {
  if (!isRecord(value)) throw configurationFault(`call: mcp ${what} must be a map of strings`, scope);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item)]));
}

function toolText(result: Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as { type?: unknown; text?: unknown }[]) : [];
  return content
    .flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
    .join('\n')
    .slice(0, 2000);
}
