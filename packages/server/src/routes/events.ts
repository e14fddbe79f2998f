/**
 * The event bus over HTTP: POST /api/events emits an event (Baton's shape or a structured CloudEvent,
 * checked by cloud-events.ts; idempotent by source and id), GET /api/events reads the log in order.
 * The dashboard's newest-first view of it is recent-events.ts.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client, EventInfo } from '@baton/core';
import type { Context } from 'hono';
import { cloudEventGate } from '../cloud-events.js';
import { EventSchema, Name, errorResponses, json, jsonBody } from '../schemas.js';
import { toTypedJson } from '../typed-json.js';
import { fromWire } from '../wire.js';

/** An event as the API shows it: its data as typed JSON, times as ISO text. */
function eventJson(event: EventInfo): z.infer<typeof EventSchema> {
  return { ...event, time: event.time.toISOString(), receivedAt: event.receivedAt.toISOString(), data: toTypedJson(event.data) };
}

const EmitEvent = z
  .union([
    z.object({ specversion: z.literal('1.0'), id: z.string(), source: z.string(), type: z.string() }).loose(),
    z.object({
      type: Name,
      data: z.unknown().optional(),
      id: z.string().min(1).max(500).optional(),
      source: z.string().min(1).max(500).optional(),
      subject: z.string().min(1).max(500).optional(),
      time: z.iso.datetime({ offset: true }).optional(),
    }),
  ])
  .openapi('EmitEvent', {
    description:
      'A CloudEvents 1.0 event in structured JSON (sent as application/cloudevents+json, or with a specversion: specversion, id, source and type are required), or { type, data, id?, source?, subject?, time? }',
  });

export function registerEventRoutes(app: OpenAPIHono, client: Client, acting: (c: Context) => Client): void {
  app.use('/api/events', cloudEventGate());
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/events',
      tags: ['events'],
      request: { body: jsonBody(EmitEvent) },
      responses: {
        201: json(z.object({ event: EventSchema, created: z.literal(true) }), 'Stored'),
        200: json(z.object({ event: EventSchema, created: z.literal(false) }), 'Already stored (same source and id)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const req = c.req.valid('json') as Record<string, unknown>;
      const stored =
        req.specversion !== undefined
          ? await acting(c).events.emitCloudEvent(req)
          : await acting(c).events.emit(req.type as string, fromWire(req.data, 'data'), {
              ...(req.id === undefined ? {} : { id: req.id as string }),
              ...(req.source === undefined ? {} : { source: req.source as string }),
              ...(req.subject === undefined ? {} : { subject: req.subject as string }),
              ...(req.time === undefined ? {} : { time: new Date(req.time as string) }),
            });
      const { created, ...event } = stored;
      return created ? c.json({ event: eventJson(event), created: true as const }, 201) : c.json({ event: eventJson(event), created: false as const }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/events',
      tags: ['events'],
      request: {
        query: z.object({
          type: Name.optional(),
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
      },
      responses: { 200: json(z.object({ events: z.array(EventSchema) }), 'The event log, in order'), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      // A key reads its namespace's events only.
      const events = await acting(c).events.list({
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      });
      return c.json({ events: events.map(eventJson) }, 200);
    },
  );
}
