/**
 * Types for the part of autocannon's programmatic API the HTTP benchmark uses (the package ships
 * none). Latencies are in milliseconds, durations in seconds.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** The request autocannon is about to send; `setupRequest` returns it changed. */
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface Request extends RequestParams {
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams | undefined;
    }

    interface Options extends RequestParams {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds a request may take before it counts as a timeout (an error). */
      timeout?: number;
      requests?: Request[];
    }

    /** Percentiles and moments of one statistic (hdr-histogram-percentiles-obj). */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }

    interface Result {
      /** Seconds, rounded to 10 ms. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Requests per one-second sample. */
      requests: Histogram & { sent: number };
      /** Of 2xx responses only, in whole milliseconds. */
      latency: Histogram & { totalCount: number };
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      /** `responseTime` is in milliseconds, measured from the request's write to its full response. */
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
