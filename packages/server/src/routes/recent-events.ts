/**
 * GET /api/events/recent: the event log read back from its end, newest first, each event with the
 * runs its triggers started (in the key's namespace) and their status now: the dashboard's events page.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@baton/core';
import type { Context } from 'hono';
import { ErrorSchema } from '../errors.js';
import { EventSchema, Name, RUN_STATUSES, json } from '../schemas.js';
import { toTypedJson } from '../typed-json.js';

export const StartedRunSchema = z
  .object({
    runId: z.string(),
    workflow: z.string(),
    status: z.enum(RUN_STATUSES),
    at: z.string().openapi({ description: 'When the trigger started it' }),
  })
  .openapi('StartedRun');

export const RecentEventSchema = EventSchema.extend({
  runs: z.array(StartedRunSchema).openapi({ description: "The runs the event's triggers started" }),
}).openapi('RecentEvent');

const RecentQuery = z.object({
  type: Name.optional(),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'The nextBefore of the previous page: only events logged before this seq' }),
  limit: z.coerce.number().int().min(1).max(200).optional().openapi({ description: 'At most this many events (default 50)' }),
});

export function registerRecentEventsRoute(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/events/recent',
      tags: ['events'],
      summary: 'Read the latest events and the runs they started',
      request: { query: RecentQuery },
      responses: {
        200: json(z.object({ events: z.array(RecentEventSchema), nextBefore: z.number().int().optional() }), 'Events, newest first'),
        400: json(ErrorSchema, 'Invalid request'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit ?? 50;
      const events = await acting(c).events.recent({
        limit,
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.before === undefined ? {} : { before: q.before }),
      });
      const last = events.at(-1);
      return c.json(
        {
          events: events.map((e) => ({
            seq: e.seq,
            namespace: e.namespace,
            id: e.id,
            type: e.type,
            source: e.source,
            ...(e.subject === undefined ? {} : { subject: e.subject }),
            time: e.time.toISOString(),
            data: toTypedJson(e.data),
            receivedAt: e.receivedAt.toISOString(),
            runs: e.runs.map((r) => ({ runId: r.runId, workflow: r.workflow, status: r.status, at: new Date(r.at).toISOString() })),
          })),
          ...(events.length === limit && last !== undefined ? { nextBefore: last.seq } : {}),
        },
        200,
      );
    },
  );
}
