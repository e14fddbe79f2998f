/**
 * `--mcp-config` of the commands that run an engine (`baton dev`, `baton worker`, `baton mcp`): the
 * MCP servers that workflows call by name (`ctx.mcp('kb')`), from a JSON file in the
 * `{ "mcpServers": { name: { command, args, env, cwd } | { url, headers } } }` shape.
 */
import { resolve } from 'node:path';
import { errorMessage, hasErrorCode } from '@baton/core';
import { McpErrorCode, configureMcp, loadMcpConfigFile } from '@baton/mcp';
import type { Io } from './command.js';
import { UsageError } from './errors.js';

export const MCP_CONFIG_HELP = `  --mcp-config FILE     MCP servers the workflows call by name, as { "mcpServers": { "<name>": { "command", "args",
                        "env", "cwd" } | { "url", "headers" } } } (default: $BATON_MCP_CONFIG)`;

export const mcpConfigFlags = {
  'mcp-config': { type: 'string' },
} as const;

/** Reads the file of --mcp-config (or $BATON_MCP_CONFIG), if any, and names its servers for ctx.mcp. */
export async function configureMcpServers(values: { 'mcp-config'?: string | undefined }, io: Io, command: string): Promise<void> {
  const path = values['mcp-config'] ?? (io.env.BATON_MCP_CONFIG === '' ? undefined : io.env.BATON_MCP_CONFIG);
  if (path === undefined) return;
  try {
    configureMcp({ servers: await loadMcpConfigFile(resolve(io.cwd, path)) });
  } catch (error) {
    if (hasErrorCode(error, McpErrorCode.ConfigInvalid)) throw new UsageError(errorMessage(error), command);
    throw error;
  }
}
