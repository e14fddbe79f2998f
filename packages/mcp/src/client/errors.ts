/** The stable error codes of MCP client steps (`ctx.mcp`, `mcpRequest`), and whether each is retried. */
export const McpErrorCode = {
  /** A server configuration (configureMcp, an mcpServers file, an inline config) is not valid. Not retried. */
  ConfigInvalid: 'BATON_MCP_CONFIG_INVALID',
  /** `ctx.mcp(name)` names no configured server. Not retried. */
  UnknownServer: 'BATON_MCP_UNKNOWN_SERVER',
  /** The server could not be reached, started or spoken to (the connection is dropped and reopened). Retried. */
  Unavailable: 'BATON_MCP_UNAVAILABLE',
  /** The request took longer than its timeout. Retried. */
  Timeout: 'BATON_MCP_TIMEOUT',
  /**
   * The server answered with a JSON-RPC error. Not retried when the request itself is wrong
   * (invalid params, unknown method or tool); retried otherwise.
   */
  RequestFailed: 'BATON_MCP_REQUEST_FAILED',
  /**
   * The tool ran and answered `isError: true`. Not retried: the tool did its work and reported a
   * failure, and calling it again could repeat a side effect. Catch it, or retry in the workflow.
   */
  ToolError: 'BATON_MCP_TOOL_ERROR',
} as const;
export type McpErrorCode = (typeof McpErrorCode)[keyof typeof McpErrorCode];
