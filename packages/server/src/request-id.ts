/**
 * Every request has an id, sent back as the X-Request-Id header of every response and in the body of
 * a 5xx, and logged with any unexpected error, so an operator can find the log line of a failure a
 * user reports. A sane incoming X-Request-Id (from a proxy or the caller) is kept; otherwise one is made.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Ids a proxy or tracing system would send: 1-128 of letters, digits and . _ : @ / + = - */
const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id: the incoming one when it is sane, else a new UUID. */
export function requestIdFor(incoming: string | undefined): string {
  const trimmed = incoming?.trim();
  return trimmed !== undefined && SANE.test(trimmed) ? trimmed : randomUUID();
}

/** The id the middleware gave this request (one is made for a request it did not see). */
export function requestIdOf(c: Context): string {
  let id = c.get('requestId' as never) as string | undefined;
  if (id === undefined) {
    id = requestIdFor(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId' as never, id as never);
  }
  return id;
}

export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = requestIdOf(c);
    c.header(REQUEST_ID_HEADER, id);
    await next();
    // Responses made before the header was set (an error handler's, a stream's) get it too.
    if (!c.res.headers.has(REQUEST_ID_HEADER)) {
      try {
        c.res.headers.set(REQUEST_ID_HEADER, id);
      } catch {
        // Immutable headers (a fetched response passed through): copy the response.
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set(REQUEST_ID_HEADER, id);
      }
    }
  };
}
