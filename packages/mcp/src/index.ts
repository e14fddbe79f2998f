/** @baton/mcp: Baton workflows as Model Context Protocol tools (see docs/mcp.md). */
export { createMcpServer, RUN_ID_META, WAIT_META, type McpServerOptions, type McpToolCall } from './mcp-server.js';
export { toolNames, RUN_TOOLS } from './tool-names.js';
export { toolInput, toolInputOf, type ToolInput } from './input-schema.js';
export { registerRunResources, runUri, journalUri, RESOURCE_NOT_FOUND, RUN_RESOURCES_CAPABILITY, type RunResourcesOptions } from './resources.js';
export type { ChangeFeed } from './resources-watcher.js';
export { openMcpHttpSession, type McpHttpSession, type McpHttpSessionHooks } from './http-session.js';
