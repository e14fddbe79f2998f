/**
 * @baton/mcp: Baton workflows as Model Context Protocol tools, and MCP servers called from workflows
 * (see docs/mcp.md). Importing it adds `ctx.mcp(server)` to every workflow's ctx.
 */
import { registerContextExtension } from '@baton/core';
import { mcpContext } from './client/mcp-context.js';

registerContextExtension('mcp', mcpContext);

export { createMcpServer, RUN_ID_META, WAIT_META, type McpServerOptions, type McpToolCall } from './mcp-server.js';
export { toolNames, RUN_TOOLS } from './tool-names.js';
export { toolInput, toolInputOf, type ToolInput } from './input-schema.js';
export { registerRunResources, runUri, journalUri, RESOURCE_NOT_FOUND, RUN_RESOURCES_CAPABILITY, type RunResourcesOptions } from './resources.js';
export type { ChangeFeed } from './resources-watcher.js';
export { openMcpHttpSession, type McpHttpSession, type McpHttpSessionHooks } from './http-session.js';
export { McpErrorCode } from './client/errors.js';
export {
  configureMcp,
  mcpConfig,
  loadMcpConfigFile,
  parseMcpServers,
  parseMcpServerConfig,
  resolveMcpServer,
  type McpOptions,
  type McpServerConfig,
  type McpStdioServerConfig,
  type McpHttpServerConfig,
  type ResolvedMcpConfig,
} from './client/server-config.js';
export { McpConnectionPool, mcpConnections, closeMcpConnections } from './client/connection-pool.js';
export { mcpRequest, isMcpMethod, MCP_METHODS, type McpMethod, type McpRequestOptions } from './client/mcp-request.js';
export type { McpServerHandle, McpStepOptions, McpAgentTool } from './client/mcp-context.js';
