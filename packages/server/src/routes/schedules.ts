/**
 * Schedules over HTTP: list, create, read, change (PATCH: the fields sent), pause, resume and delete.
 * Changes act for the request's key and are audited; a schedule declared in workflow code is changed
 * in the code. Its runs (run now, history) are schedule-runs.ts.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { scheduleNotFound, type Client, type ScheduleInfo, type WorkflowRegistry } from '@baton/core';
import type { Context } from 'hono';
import { Name, ScheduleIdParam, ScheduleSchema, errorResponses, json, jsonBody } from '../schemas.js';
import { toTypedJson } from '../typed-json.js';
import { fromWire, iso } from '../wire.js';

/** A schedule as the API shows it: its input as typed JSON, times as ISO text. */
function scheduleJson(s: ScheduleInfo): z.infer<typeof ScheduleSchema> {
  const out: Record<string, unknown> = { ...s, input: toTypedJson(s.input), createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
  for (const key of ['nextAt', 'lastTickAt'] as const) if (s[key] !== undefined) out[key] = iso(s[key]);
  return out as z.infer<typeof ScheduleSchema>;
}

const CreateSchedule = z
  .object({
    id: Name,
    workflow: Name,
    cron: z.string().min(1).max(200),
    timezone: z.string().min(1).max(100).optional(),
    input: z.unknown().optional(),
    overlap: z.enum(['skip', 'buffer', 'allow']).optional(),
    catchup: z.enum(['none', 'latest', 'all']).optional(),
    catchupLimit: z.number().int().min(1).max(10_000).optional(),
    paused: z.boolean().optional(),
  })
  .openapi('CreateSchedule');

const UpdateSchedule = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(100).optional(),
    input: z.unknown().optional(),
    overlap: z.enum(['skip', 'buffer', 'allow']).optional(),
    catchup: z.enum(['none', 'latest', 'all']).optional(),
    catchupLimit: z.number().int().min(1).max(10_000).optional(),
  })
  .openapi('UpdateSchedule', { description: 'The fields to change; those left out stay as they are.' });

export function registerScheduleRoutes(app: OpenAPIHono, client: Client, acting: (c: Context) => Client, workflows: WorkflowRegistry | undefined): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/schedules',
      tags: ['schedules'],
      responses: { 200: json(z.object({ schedules: z.array(ScheduleSchema) }), 'Schedules') },
    }),
    // A key sees its namespace's schedules only (another's is not found, as runs are).
    async (c) => c.json({ schedules: (await acting(c).schedules.list()).map(scheduleJson) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/schedules',
      tags: ['schedules'],
      request: { body: jsonBody(CreateSchedule) },
      responses: { 201: json(z.object({ schedule: ScheduleSchema }), 'Created'), ...errorResponses },
    }),
    async (c) => {
      const req = c.req.valid('json');
      const workflow = workflows?.get(req.workflow) ?? req.workflow;
      const schedule = await acting(c).schedules.create({ ...req, input: fromWire(req.input, 'input'), workflow } as Parameters<
        Client['schedules']['create']
      >[0]);
      return c.json({ schedule: scheduleJson(schedule) }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      request: { params: ScheduleIdParam },
      responses: { 200: json(z.object({ schedule: ScheduleSchema }), 'The schedule'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const schedule = await acting(c).schedules.get(id);
      if (schedule === undefined) throw scheduleNotFound(id);
      return c.json({ schedule: scheduleJson(schedule) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      description:
        'Changes a schedule made through the API. It stays paused or running and keeps its last tick; a new cron or time zone ticks next at its first tick after now. A schedule declared in workflow code is changed in the code (400).',
      request: { params: ScheduleIdParam, body: jsonBody(UpdateSchedule) },
      responses: { 200: json(z.object({ schedule: ScheduleSchema }), 'The schedule after the change'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const req = c.req.valid('json');
      const changes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(req)) if (value !== undefined) changes[key] = key === 'input' ? fromWire(value, 'input') : value;
      const schedule = await acting(c).schedules.update(id, changes);
      return c.json({ schedule: scheduleJson(schedule) }, 200);
    },
  );
  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/schedules/{id}/${action}`,
        tags: ['schedules'],
        request: { params: ScheduleIdParam },
        responses: { 200: json(z.object({ schedule: ScheduleSchema }), `The schedule after ${action}`), ...errorResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const schedule = action === 'pause' ? await acting(c).schedules.pause(id) : await acting(c).schedules.resume(id);
        return c.json({ schedule: scheduleJson(schedule) }, 200);
      },
    );
  }
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      request: { params: ScheduleIdParam },
      responses: { 200: json(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errorResponses },
    }),
    async (c) => {
      await acting(c).schedules.delete(c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
}
