/**
 * Which MCP servers workflows may call: named in code with `configureMcp({ servers })`, read from a
 * JSON file in the common `{ "mcpServers": { name: ... } }` shape, or given inline to `ctx.mcp`. A
 * server is a command started over stdio (`{ command, args, env, cwd }`) or a Streamable HTTP
 * endpoint (`{ url, headers }`). The configuration lives on globalThis, so every copy of this
 * package in a process sees the same servers.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BatonError, errorMessage } from '@baton/core';
import { McpErrorCode } from './errors.js';

/** A server started as a child process, spoken to over its stdin/stdout. */
export interface McpStdioServerConfig {
  command: string;
  args?: string[];
  /** Added to the usual safe environment (PATH, HOME…); the rest of this process's environment is not passed. */
  env?: Record<string, string>;
  cwd?: string;
}

/** A server reached over Streamable HTTP. */
export interface McpHttpServerConfig {
  url: string;
  /** Sent with every request (e.g. `authorization`). */
  headers?: Record<string, string>;
}

export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

export interface McpOptions {
  /** Servers by name, added to (or replacing) those configured before. */
  servers?: Record<string, McpServerConfig>;
  /** How this client introduces itself to servers. Default `{ name: 'baton', version: '0.1.0' }`. */
  clientInfo?: { name: string; version: string };
  /** Per request, when a call gives no timeout of its own. Default 5 minutes. */
  timeoutMs?: number;
}

export interface ResolvedMcpConfig {
  servers: Map<string, McpServerConfig>;
  clientInfo: { name: string; version: string };
  timeoutMs: number;
}

const CONFIG = Symbol.for('baton.mcp.config');
const DEFAULT_TIMEOUT_MS = 300_000;

const stringMap = z.record(z.string(), z.string());
const stdioSchema = z
  .object({ command: z.string().min(1), args: z.array(z.string()).optional(), env: stringMap.optional(), cwd: z.string().min(1).optional() })
  .strict();
const httpSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    headers: stringMap.optional(),
  })
  .strict();

function invalid(message: string, cause?: unknown): BatonError {
  return new BatonError(McpErrorCode.ConfigInvalid, message, { retryable: false, ...(cause === undefined ? {} : { cause }) });
}

/** Checks one server's configuration; `what` names it in the error (e.g. "the MCP server 'kb'"). */
export function parseMcpServerConfig(value: unknown, what: string): McpServerConfig {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const schema = isObject && 'url' in value ? httpSchema : isObject && 'command' in value ? stdioSchema : undefined;
  if (schema === undefined) {
    throw invalid(`${what} needs either { command, args?, env?, cwd? } (stdio) or { url, headers? } (Streamable HTTP).`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw invalid(`${what} is not valid: ${problems}.`);
  }
  return parsed.data as McpServerConfig;
}

/** The servers of an `{ "mcpServers": { name: config } }` document; `source` names it in errors. */
export function parseMcpServers(document: unknown, source: string): Record<string, McpServerConfig> {
  const servers = (document as { mcpServers?: unknown } | null)?.mcpServers;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw invalid(`${source} must be a JSON object with "mcpServers": { "<name>": { "command": ... } | { "url": ... } }.`);
  }
  const out: Record<string, McpServerConfig> = {};
  for (const [name, config] of Object.entries(servers)) out[name] = parseMcpServerConfig(config, `The MCP server '${name}' in ${source}`);
  return out;
}

/** Reads an mcpServers JSON file (the shape desktop MCP clients use) and returns its servers. */
export async function loadMcpConfigFile(path: string): Promise<Record<string, McpServerConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw invalid(`The MCP configuration ${path} could not be read: ${errorMessage(error)}.`, error);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw invalid(`The MCP configuration ${path} is not JSON: ${errorMessage(error)}.`, error);
  }
  return parseMcpServers(document, path);
}

function holder(): { [CONFIG]?: ResolvedMcpConfig } {
  return globalThis as { [CONFIG]?: ResolvedMcpConfig };
}

/** The MCP configuration of this process. */
export function mcpConfig(): ResolvedMcpConfig {
  return (holder()[CONFIG] ??= { servers: new Map(), clientInfo: { name: 'baton', version: '0.1.0' }, timeoutMs: DEFAULT_TIMEOUT_MS });
}

/** Names MCP servers (and client settings) for `ctx.mcp(name)`; each server's configuration is checked now. */
export function configureMcp(options: McpOptions): void {
  const current = mcpConfig();
  const servers = new Map(current.servers);
  for (const [name, config] of Object.entries(options.servers ?? {})) {
    if (name.length === 0) throw invalid('An MCP server needs a non-empty name.');
    servers.set(name, parseMcpServerConfig(config, `The MCP server '${name}'`));
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw invalid(`configureMcp: timeoutMs must be a positive number of milliseconds, not ${String(options.timeoutMs)}.`);
  }
  holder()[CONFIG] = {
    servers,
    clientInfo: options.clientInfo ?? current.clientInfo,
    timeoutMs: options.timeoutMs ?? current.timeoutMs,
  };
}

/** A server by name (configured) or inline, with the name its steps carry. */
export function resolveMcpServer(server: string | McpServerConfig): { name: string; config: McpServerConfig } {
  if (typeof server === 'string') {
    const config = mcpConfig().servers.get(server);
    if (config === undefined) {
      const known = [...mcpConfig().servers.keys()];
      throw new BatonError(
        McpErrorCode.UnknownServer,
        `No MCP server is named '${server}' (${known.length === 0 ? 'none is configured' : `configured: ${known.join(', ')}`}): name it with configureMcp({ servers }) or in the file of --mcp-config / BATON_MCP_CONFIG.`,
        { retryable: false },
      );
    }
    return { name: server, config };
  }
  const config = parseMcpServerConfig(server, 'The inline MCP server');
  return { name: serverLabel(config), config };
}

/** A short name for an inline server: its command's file name, or its URL's host. */
function serverLabel(config: McpServerConfig): string {
  if ('url' in config) return new URL(config.url).host;
  const last = [config.command, ...(config.args ?? [])].reverse().find((part) => !part.startsWith('-')) ?? config.command;
  return last
    .split(/[\\/]/)
    .pop()!
    .replace(/\.[cm]?[jt]s$/, '');
}
