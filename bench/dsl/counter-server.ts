/**
 * The loopback HTTP server the DSL benchmark calls: `GET /add?count=N` answers `{ "count": N + 1 }`.
 * It runs in the benchmark's own process (127.0.0.1, a free port), for the YAML and the TypeScript
 * workflows alike, so its CPU is in both sides of the ratio.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CounterServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startCounterServer(): Promise<CounterServer> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const count = Number(url.searchParams.get('count'));
    if (url.pathname !== '/add' || !Number.isFinite(count)) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'GET /add?count=N' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: count + 1 }));
  });
  // Keep-alive sockets would hold close() open until they time out.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
