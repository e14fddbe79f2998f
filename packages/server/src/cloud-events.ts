/**
 * CloudEvents 1.0 at POST /api/events: a body sent as `application/cloudevents+json`, or any body
 * with a `specversion`, is a structured CloudEvent and must carry the attributes the spec requires:
 * specversion '1.0', id, source and type. None is made up: an id the server generated would make
 * every redelivery of an event a new event (de-duplication is by source and id). A refusal is a 400
 * BATON_INVALID_ARGUMENT whose details.fields name each missing or bad attribute. Bodies without
 * `specversion` sent as plain JSON are Baton's own event shape, and the route reads them as before.
 */
import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { validationError } from './errors.js';

const required = (name: string, why: string) => z.string({ error: `${name} is required (a non-empty string): ${why}` }).min(1, `${name} must not be empty`);

const StructuredCloudEvent = z
  .object({
    specversion: z.literal('1.0', { error: "specversion is required and must be '1.0' (CloudEvents 1.0)" }),
    id: required('id', 'with source it identifies the event, so a redelivered event is stored once').max(500),
    source: required('source', 'it says where the event comes from, and scopes its id').max(500),
    type: required('type', 'it is the event name that triggers and waits match').max(200),
  })
  .loose();

const STRUCTURED = /^application\/cloudevents\+json\s*(;|$)/i;

/** Refuses CloudEvents that lack a required attribute before the route reads them. */
export function cloudEventGate(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const structured = STRUCTURED.test(c.req.header('content-type') ?? '');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      // Not JSON (or not a JSON type): the route answers that.
      return next();
    }
    const claimsToBe = typeof body === 'object' && body !== null && !Array.isArray(body) && 'specversion' in body;
    if (!structured && !claimsToBe) return next();
    const result = StructuredCloudEvent.safeParse(body);
    if (!result.success) return c.json(validationError(result.error.issues, 'CloudEvent'), 400);
    return next();
  };
}
