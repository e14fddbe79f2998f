/**
 * Open MCP client connections, one per server configuration, shared by every run of a worker
 * process: opened on first use, dropped when they fail or close (the next request opens a new one),
 * and closed together when the process stops (`closeMcpConnections`). Stdio servers are child
 * processes, so closing matters: an open one keeps the process alive.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BatonError, errorMessage } from '@baton/core';
import { McpErrorCode } from './errors.js';
import { mcpConfig, type McpServerConfig } from './server-config.js';

const POOL = Symbol.for('baton.mcp.connections');

export class McpConnectionPool {
  readonly #open = new Map<string, Promise<Client>>();

  /**
   * The open connection to `config`, opened (initialize handshake included) when there is none.
   * `signal` stops this caller's wait, not the opening: other callers share the connection.
   */
  client(config: McpServerConfig, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Client> {
    if (options.signal?.aborted === true) return Promise.reject(options.signal.reason as Error);
    const key = keyOf(config);
    let entry = this.#open.get(key);
    if (entry === undefined) {
      entry = this.#connect(config, key, options.timeoutMs);
      this.#open.set(key, entry);
      // A connection that failed to open is forgotten, so the next request tries again.
      entry.catch(() => this.#forget(key, entry!));
    }
    return options.signal === undefined ? entry : untilAborted(entry, options.signal);
  }

  /** Closes and forgets the connection to `config` (after a failure that may have broken it). */
  async discard(config: McpServerConfig): Promise<void> {
    const key = keyOf(config);
    const entry = this.#open.get(key);
    if (entry === undefined) return;
    this.#open.delete(key);
    await entry.then(closeClient).catch(() => {});
  }

  /** Closes every connection (stdio servers are stopped). The pool can be used again afterwards. */
  async close(): Promise<void> {
    const entries = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(entries.map((entry) => entry.then(closeClient).catch(() => {})));
  }

  /** How many connections are open or opening. */
  get size(): number {
    return this.#open.size;
  }

  async #connect(config: McpServerConfig, key: string, timeoutMs: number | undefined): Promise<Client> {
    const { clientInfo, timeoutMs: defaultTimeoutMs } = mcpConfig();
    const client = new Client(clientInfo, { capabilities: {} });
    const transport = transportOf(config);
    try {
      await client.connect(transport, { timeout: timeoutMs ?? defaultTimeoutMs });
    } catch (error) {
      await client.close().catch(() => {});
      throw new BatonError(McpErrorCode.Unavailable, `The MCP server ${describeServer(config)} could not be connected to: ${errorMessage(error)}.`, {
        retryable: true,
        cause: error,
      });
    }
    const entry = this.#open.get(key);
    // The server went away (a stdio process exited, the HTTP session ended): the next request reconnects.
    client.onclose = () => {
      if (entry !== undefined) this.#forget(key, entry);
    };
    return client;
  }

  #forget(key: string, entry: Promise<Client>): void {
    if (this.#open.get(key) === entry) this.#open.delete(key);
  }
}

/** How long a closing connection waits for an HTTP server to end its session. */
const END_SESSION_MS = 5_000;

/**
 * Closes a connection. An HTTP server is asked to end the session first (DELETE), so that it does
 * not keep it until it times out: servers bound their sessions, and a worker that reconnects or
 * restarts often would fill them. A server that does not answer soon is not waited for.
 */
async function closeClient(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      transport.terminateSession().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, END_SESSION_MS);
      }),
    ]);
    clearTimeout(timer);
  }
  await client.close();
}

/** `promise`, or the abort reason of `signal` if it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function transportOf(config: McpServerConfig): Transport {
  if ('url' in config) {
    return new StreamableHTTPClientTransport(new URL(config.url), config.headers === undefined ? {} : { requestInit: { headers: config.headers } });
  }
  return new StdioClientTransport({
    command: config.command,
    ...(config.args === undefined ? {} : { args: config.args }),
    // The SDK passes only the given environment when one is given: keep the safe defaults (PATH…).
    ...(config.env === undefined ? {} : { env: { ...getDefaultEnvironment(), ...config.env } }),
    ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
  });
}

/** A server as error messages name it (never its headers or environment, which may hold secrets). */
export function describeServer(config: McpServerConfig): string {
  return 'url' in config ? config.url : `'${[config.command, ...(config.args ?? [])].join(' ')}'`;
}

function keyOf(config: McpServerConfig): string {
  return JSON.stringify(config, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

/** The connections of this process (shared by every engine and every copy of this package in it). */
export function mcpConnections(): McpConnectionPool {
  const holder = globalThis as { [POOL]?: McpConnectionPool };
  return (holder[POOL] ??= new McpConnectionPool());
}

/** Closes this process's MCP connections (stops stdio servers); call it when the worker stops. */
export function closeMcpConnections(): Promise<void> {
  return mcpConnections().close();
}
