/**
 * One closed-loop HTTP load measurement with autocannon: N keep-alive connections, each sending its
 * next request as soon as the previous response is in, for a fixed time.
 *
 * Latencies are taken from autocannon's per-response event (sub-millisecond, every response whatever
 * its status) rather than from its histogram, which keeps whole milliseconds and 2xx responses only.
 */
import autocannon from 'autocannon';
import { mean, percentile } from './stats.js';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Chooses each request's path (e.g. a random run id); default: always `path`. */
  nextPath?: () => string;
}

export interface LoadResult {
  /** Responses of any status per second of the measurement. */
  requestsPerSec: number;
  responses: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses by status code, e.g. { 201: 31250 }. */
  statuses: Record<string, number>;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const { nextPath } = options;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    requests: [
      {
        method: options.method,
        path: options.path,
        headers: options.headers,
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(nextPath === undefined ? {} : { setupRequest: (request) => ({ ...request, path: nextPath() }) }),
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  if (latencies.length === 0)
    throw new Error(`no response from ${options.method} ${options.url}${options.path} in ${options.duration} s (${result.errors} errors)`);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = Number(count);
  return {
    requestsPerSec: latencies.length / result.duration,
    responses: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: mean(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    statuses,
  };
}
