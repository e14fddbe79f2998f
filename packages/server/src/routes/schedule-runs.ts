/**
 * A schedule's runs: POST /api/schedules/{id}/run starts its run now, as a tick would, within its
 * overlap policy (admins, audited as schedule.run); GET /api/schedules/{id}/runs is its history, the
 * runs its ticks and runs now started, newest first, with their status now.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { scheduleNotFound, type Client } from '@baton/core';
import type { Context } from 'hono';
import { ErrorSchema } from '../errors.js';
import { ScheduleIdParam, json } from '../schemas.js';
import { StartedRunSchema } from './recent-events.js';

export function registerScheduleRunRoutes(app: OpenAPIHono, client: Client, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/schedules/{id}/run',
      tags: ['schedules'],
      summary: "Start a schedule's run now",
      description:
        "Starts the run a tick would start (same input, queue and limits; id '<schedule>@<now>') without moving the next tick. Its overlap policy holds: 'skip' refuses while the schedule's last run goes on, 'buffer' holds the new run until that one ends (and refuses when a run already waits its turn), 'allow' starts it side by side; refusals are 409 BATON_SCHEDULE_BUSY. A paused schedule is refused (409 BATON_SCHEDULE_PAUSED). Needs an admin key.",
      request: { params: ScheduleIdParam },
      responses: {
        201: json(
          z.object({ runId: z.string(), heldAfter: z.string().optional().openapi({ description: "For 'buffer': the run it waits for" }) }),
          'Started (or held, for buffer)',
        ),
        404: json(ErrorSchema, 'No such schedule'),
        409: json(ErrorSchema, 'The overlap policy refuses a run now, or the schedule is paused'),
      },
    }),
    async (c) => c.json(await acting(c).schedules.runNow(c.req.valid('param').id), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/schedules/{id}/runs',
      tags: ['schedules'],
      summary: "A schedule's history",
      request: {
        params: ScheduleIdParam,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: 'At most this many runs (default 50)' }) }),
      },
      responses: {
        200: json(z.object({ runs: z.array(StartedRunSchema) }), 'The runs it started, newest first'),
        400: json(ErrorSchema, 'Invalid request'),
        404: json(ErrorSchema, 'No such schedule'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if ((await acting(c).schedules.get(id)) === undefined) throw scheduleNotFound(id);
      const runs = await acting(c).schedules.history(id, c.req.valid('query').limit ?? 50);
      return c.json({ runs: runs.map((r) => ({ runId: r.runId, workflow: r.workflow, status: r.status, at: new Date(r.at).toISOString() })) }, 200);
    },
  );
}
