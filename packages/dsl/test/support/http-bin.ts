/**
 * A loopback HTTP test server in the manner of httpbin.org: echoes requests (/anything…), checks
 * basic and bearer credentials (/basic-auth/{user}/{password}, /bearer), answers any status
 * (/status/{code}), redirects (/redirect-to?url=…&status_code=…), serves text and bytes (/text,
 * /bytes), and holds a request open until the client goes away (/hang). `hostAliases` maps
 * httpbin.org to it, for definitions written against the public service.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, type RecordedRequest } from './pet-store.js';

/** What /anything answers: the request as the server saw it. */
export interface Echo {
  method: string;
  path: string;
  args: Record<string, string>;
  headers: Record<string, string>;
  data: string;
  json: unknown;
}

export interface HttpBin {
  readonly url: string;
  readonly hostAliases: Readonly<Record<string, string>>;
  readonly requests: RecordedRequest[];
  /** Resolves when a request whose path starts with `prefix` has arrived (now or earlier). */
  received(prefix: string): Promise<RecordedRequest>;
  /** Resolves when a /hang request has been closed by its client. */
  hangClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpBin(): Promise<HttpBin> {
  const requests: RecordedRequest[] = [];
  const waiters: { prefix: string; resolve: (request: RecordedRequest) => void }[] = [];
  let hangClosed!: () => void;
  const hangClosedPromise = new Promise<void>((resolve) => (hangClosed = resolve));
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const recorded: RecordedRequest = { method: request.method ?? 'GET', url: request.url ?? '/', headers: { ...request.headers }, body };
      requests.push(recorded);
      for (const waiter of waiters.filter((candidate) => recorded.url.startsWith(candidate.prefix))) waiter.resolve(recorded);
      const url = new URL(recorded.url, 'http://http-bin');
      const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(value));
      };
      const authorization = request.headers.authorization ?? '';
      const basic = /^\/basic-auth\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (basic) {
        const expected = `Basic ${Buffer.from(`${decodeURIComponent(basic[1] ?? '')}:${decodeURIComponent(basic[2] ?? '')}`).toString('base64')}`;
        if (authorization === expected) return json(200, { authenticated: true, user: decodeURIComponent(basic[1] ?? '') });
        return json(401, { authenticated: false }, { 'www-authenticate': 'Basic realm="http-bin"' });
      }
      if (url.pathname === '/bearer') {
        if (authorization.startsWith('Bearer ')) return json(200, { authenticated: true, token: authorization.slice(7) });
        return json(401, { authenticated: false }, { 'www-authenticate': 'Bearer' });
      }
      const status = /^\/status\/(\d{3})$/.exec(url.pathname);
      if (status) {
        response.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
        return response.end(`status ${status[1]}`);
      }
      if (url.pathname === '/redirect-to') {
        response.writeHead(Number(url.searchParams.get('status_code') ?? 302), { location: url.searchParams.get('url') ?? '/anything' });
        return response.end();
      }
      if (url.pathname === '/text') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return response.end('plain text');
      }
      if (url.pathname === '/bytes') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        return response.end(Buffer.from([0, 1, 2, 250, 255]));
      }
      if (url.pathname === '/hang') {
        response.on('close', hangClosed);
        return;
      }
      if (url.pathname.startsWith('/anything')) {
        let parsed: unknown;
        try {
          parsed = body ? (JSON.parse(body) as unknown) : null;
        } catch {
          parsed = null;
        }
        return json(200, {
          method: recorded.method,
          path: url.pathname,
          args: Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key).join(',')])),
          headers: recorded.headers,
          data: body,
          json: parsed,
        });
      }
      json(404, { error: `no route for ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hostAliases: { 'httpbin.org': url },
    requests,
    received: (prefix) => {
      const earlier = requests.find((request) => request.url.startsWith(prefix));
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
    hangClosed: () => hangClosedPromise,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
