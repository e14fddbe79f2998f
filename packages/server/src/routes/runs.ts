/**
 * The runs: POST /api/runs starts one (idempotent by id), GET /api/runs lists them (filters, pages),
 * GET /api/runs/{id} is one run with its journal (/history: as stored, a replay file); a run gets a signal at /api/runs/{id}/signal and is
 * cancelled, retried or resumed at /api/runs/{id}/cancel|retry|resume. Every call acts for the
 * request's key (see acting.ts): audited under its id, in its namespace only.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { runNotFound, type Client, type JournalEntryInfo, type RunInfo } from '@baton/core';
import type { Context } from 'hono';
import { JournalEntrySchema, Name, RUN_STATUSES, RunIdParam, RunSchema, errorResponses, json, jsonBody } from '../schemas.js';
import { toTypedJson } from '../typed-json.js';
import { fromWire, iso } from '../wire.js';
import { registerRunHistoryRoute } from './run-history.js';

/** A run as the API shows it: payloads as typed JSON, times as ISO text. */
export function runJson(run: RunInfo): z.infer<typeof RunSchema> {
  const out: Record<string, unknown> = {
    ...run,
    input: toTypedJson(run.input),
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
  if (run.output !== undefined) out.output = toTypedJson(run.output);
  if (run.progress !== undefined) out.progress = toTypedJson(run.progress);
  for (const key of ['wakeAt', 'startedAt', 'endedAt'] as const) if (run[key] !== undefined) out[key] = iso(run[key]);
  return out as z.infer<typeof RunSchema>;
}

/** A page of runs as the API answers it: the runs, and the cursor of the next page when there is one. */
export function runsPageJson(page: { runs: RunInfo[]; nextCursor?: string }): { runs: z.infer<typeof RunSchema>[]; nextCursor?: string } {
  return { runs: page.runs.map(runJson), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}

/** A journal entry as the API shows it, likewise. */
function entryJson(entry: JournalEntryInfo): z.infer<typeof JournalEntrySchema> {
  const out: Record<string, unknown> = { ...entry, startedAt: entry.startedAt.toISOString(), endedAt: entry.endedAt.toISOString() };
  if (entry.input !== undefined) out.input = toTypedJson(entry.input);
  if (entry.output !== undefined) out.output = toTypedJson(entry.output);
  return out as z.infer<typeof JournalEntrySchema>;
}

const StartRun = z
  .object({
    workflow: Name,
    input: z.unknown().optional(),
    id: z.string().min(1).max(200).optional(),
    queue: Name.optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    tags: z.array(z.string().min(1).max(100)).max(20).optional().openapi({ description: 'Labels to find the run by; child runs inherit them.' }),
  })
  .openapi('StartRun');

// `status=failed,cancelled` or `status=failed&status=cancelled`: runs with any of them.
const StatusList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).flatMap((text) => text.split(',')))
  .pipe(
    z
      .array(z.enum(RUN_STATUSES))
      .min(1)
      .max(RUN_STATUSES.length * 2),
  )
  .openapi({ type: 'string', example: 'failed,cancelled', description: `One status or several separated by commas: ${RUN_STATUSES.join(', ')}` });
const ListRuns = z.object({
  workflow: Name.optional(),
  status: StatusList.optional(),
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
  tag: z.string().min(1).max(100).optional().openapi({ description: 'Only runs with this tag' }),
  search: z.string().min(1).max(200).optional().openapi({ description: 'Only runs whose id or input contains this text (case-insensitive)' }),
  parentId: z.string().min(1).max(200).optional().openapi({ description: 'Only the child runs of this run' }),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(500).optional(),
});

export function registerRunRoutes(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs',
      tags: ['runs'],
      request: { body: jsonBody(StartRun) },
      responses: {
        201: json(z.object({ run: RunSchema, created: z.literal(true) }), 'Started'),
        200: json(z.object({ run: RunSchema, created: z.literal(false) }), 'A run with this id existed (idempotent start)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      const runs = acting(c);
      const handle = await runs.start(req.workflow, fromWire(req.input, 'input'), {
        ...(req.id === undefined ? {} : { id: req.id }),
        ...(req.queue === undefined ? {} : { queue: req.queue }),
        ...(req.priority === undefined ? {} : { priority: req.priority }),
        ...(req.tags === undefined ? {} : { tags: req.tags }),
      });
      const run = (await runs.get(handle.id))!;
      return handle.created ? c.json({ run: runJson(run), created: true as const }, 201) : c.json({ run: runJson(run), created: false as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs',
      tags: ['runs'],
      request: { query: ListRuns },
      responses: { 200: json(z.object({ runs: z.array(RunSchema), nextCursor: z.string().optional() }), 'Runs, newest first'), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await acting(c).list({
        ...(q.workflow === undefined ? {} : { workflow: q.workflow }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.createdAfter === undefined ? {} : { createdAfter: new Date(q.createdAfter) }),
        ...(q.createdBefore === undefined ? {} : { createdBefore: new Date(q.createdBefore) }),
        ...(q.tag === undefined ? {} : { tag: q.tag }),
        ...(q.search === undefined ? {} : { search: q.search }),
        ...(q.parentId === undefined ? {} : { parentId: q.parentId }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return c.json(runsPageJson(page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{id}',
      tags: ['runs'],
      request: { params: RunIdParam },
      responses: { 200: json(z.object({ run: RunSchema, journal: z.array(JournalEntrySchema) }), 'The run and its journal'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await acting(c).inspect(id);
      if (found === undefined) throw runNotFound(id);
      return c.json({ run: runJson(found.run), journal: found.journal.map(entryJson) }, 200);
    },
  );

  registerRunHistoryRoute(app, acting);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs/{id}/signal',
      tags: ['runs'],
      description:
        "Stores a signal until the run consumes it. Data that fails the schema the run's workflow version declares for the signal is refused with 400 BATON_INVALID_SIGNAL (details.fields names each wrong field) and nothing is stored.",
      request: { params: RunIdParam, body: jsonBody(z.object({ name: Name, data: z.unknown().optional() }).openapi('Signal')) },
      responses: { 202: json(z.object({ accepted: z.literal(true) }), 'Stored for the run'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { name, data } = c.req.valid('json');
      await acting(c).signal(id, name, fromWire(data, 'data'));
      return c.json({ accepted: true as const }, 202);
    },
  );

  for (const action of ['cancel', 'retry', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/runs/{id}/${action}`,
        tags: ['runs'],
        request: {
          params: RunIdParam,
          ...(action === 'cancel'
            ? { body: { required: false, content: { 'application/json': { schema: z.object({ reason: z.string().max(1000).optional() }) } } } }
            : {}),
        },
        responses: { 200: json(z.object({ run: RunSchema }), `The run after ${action}`), ...errorResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const run =
          action === 'cancel'
            ? await acting(c).cancel(id, ((await c.req.json().catch(() => ({}))) as { reason?: string }).reason)
            : action === 'retry'
              ? await acting(c).retry(id)
              : await acting(c).resume(id);
        return c.json({ run: runJson(run) }, 200);
      },
    );
  }
}
