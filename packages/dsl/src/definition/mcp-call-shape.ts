/**
 * The shape of `call: mcp`'s `with` (DSL 1.0.x "MCP Call"), which the SDK's 1.0.0 schema has no
 * branch for: a known method, parameters that are a map (or an expression), and exactly one
 * transport, `stdio` with a command or `http` with an endpoint. Values that are runtime expressions
 * are checked when the task runs.
 */
import { MCP_METHODS } from '@baton/mcp';
import { pointerOf } from './json-pointer.js';
import { isObject, type Json } from './task-walk.js';

export interface ShapeIssue {
  path: string;
  message: string;
}

const isExpression = (value: unknown): boolean => typeof value === 'string' && /^\s*\$\{[\s\S]*\}\s*$/.test(value);

export function mcpWithIssues(args: Json, pointer: string): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const at = (key: string): string => pointerOf(pointer, key);
  if (args.method === undefined) issues.push({ path: pointer, message: `'with' needs a method: one of ${MCP_METHODS.join(', ')}` });
  else if (typeof args.method !== 'string' || !(MCP_METHODS as readonly string[]).includes(args.method)) {
    issues.push({ path: at('method'), message: `the method ${JSON.stringify(args.method)} is not an MCP method: use one of ${MCP_METHODS.join(', ')}` });
  }
  if (args.parameters !== undefined && !isObject(args.parameters) && typeof args.parameters !== 'string') {
    issues.push({ path: at('parameters'), message: 'parameters must be a map (or a runtime expression that evaluates to one)' });
  }
  const transport = args.transport;
  if (!isObject(transport)) {
    issues.push({
      path: transport === undefined ? pointer : at('transport'),
      message: "'with' needs a transport: stdio: { command, arguments?, environment? } or http: { endpoint, headers? }",
    });
    return issues;
  }
  const kinds = ['stdio', 'http'].filter((kind) => transport[kind] !== undefined);
  if (kinds.length !== 1) {
    issues.push({
      path: at('transport'),
      message: kinds.length === 0 ? 'the transport needs stdio: { command } or http: { endpoint }' : 'the transport has both stdio and http: give one',
    });
    return issues;
  }
  const stdio = transport.stdio;
  const http = transport.http;
  const where = pointerOf(at('transport'), kinds[0]!);
  if (stdio !== undefined) {
    if (!isObject(stdio) || typeof stdio.command !== 'string' || stdio.command === '')
      issues.push({ path: where, message: 'the stdio transport needs a command' });
    else if (
      stdio.arguments !== undefined &&
      !isExpression(stdio.arguments) &&
      !(Array.isArray(stdio.arguments) && stdio.arguments.every((a) => typeof a === 'string'))
    ) {
      issues.push({ path: pointerOf(where, 'arguments'), message: 'arguments must be a list of strings' });
    } else if (stdio.environment !== undefined && !isObject(stdio.environment) && !isExpression(stdio.environment)) {
      issues.push({ path: pointerOf(where, 'environment'), message: 'environment must be a map of strings' });
    }
  } else if (!isObject(http) || (typeof http.endpoint !== 'string' && !isObject(http.endpoint))) {
    issues.push({ path: where, message: 'the http transport needs an endpoint (a URI, or { uri, authentication })' });
  } else if (http.headers !== undefined && !isObject(http.headers) && !isExpression(http.headers)) {
    issues.push({ path: pointerOf(where, 'headers'), message: 'headers must be a map of strings' });
  }
  return issues;
}
