/** Serving the API on Node: binds to loopback unless told otherwise. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildApp, type AppOptions } from './app.js';
import { answerClientErrors } from './client-errors.js';

export interface ApiServerOptions extends AppOptions {
  /** Default 0: any free port (the chosen one is in `url`). */
  port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
}

export interface ApiServer {
  /** Where it listens, e.g. http://127.0.0.1:7070. */
  readonly url: string;
  close(): Promise<void>;
}

export function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { app, close: closeApp } = buildApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onError = (error: Error): void => reject(error);
    server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => {
      server!.off('error', onError);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            // Open MCP sessions end first: their event streams would hold connections open.
            void closeApp().finally(() => server!.close(() => done()));
            // Idle keep-alive connections would hold close() open.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', onError);
    answerClientErrors(server as Server);
  });
}
