/**
 * A loopback HTTP server that counts the requests it receives per path and answers each as the test
 * plans it: `ok` (200 with `{ path, n }`, n the request's number on that path), `fail` (503), or
 * `hold` (no answer until the connection dies: the request is in flight when its worker is killed).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = 'ok' | 'fail' | 'hold';

/** How to answer the n-th request (from 1) on a path; unplanned requests get `ok`. */
export type Plan = (path: string, n: number) => Answer;

export interface CountingServer {
  readonly url: string;
  /** Requests received per path, whatever the answer. */
  count(path: string): number;
  close(): Promise<void>;
}

export async function startCountingServer(plan: Plan): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const answer = plan(path, n);
    if (answer === 'hold') return;
    const status = answer === 'ok' ? 200 : 503;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer === 'ok' ? { path, n } : { error: 'try again' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
