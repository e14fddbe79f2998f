/** @baton/mcp: Baton workflows as Model Context Protocol tools (see docs/mcp.md). */
export { createMcpServer, RUN_ID_META, WAIT_META, type McpServerOptions } from './mcp-server.js';
export { toolNames, RUN_TOOLS } from './tool-names.js';
export { toolInput, type ToolInput } from './input-schema.js';
