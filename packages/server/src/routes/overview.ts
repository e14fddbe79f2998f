/**
 * GET /api/stats/overview: what the dashboard's overview shows for the key's namespace over a window
 * (the last 24 hours in 1-hour buckets unless asked otherwise), computed by the store (Store.overview).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { OVERVIEW_MAX_BUCKETS, type Overview, type Store } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { ErrorSchema } from '../errors.js';

const HOUR = 3_600_000;

const OverviewQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Start of the window (default: 24 hours before until)' }),
  until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'End of the window (default: now)' }),
  bucket: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 31)
    .optional()
    .openapi({ description: `Bucket width in minutes (default 60); at most ${OVERVIEW_MAX_BUCKETS} buckets per window` }),
});

const Counts = { started: z.number().int(), completed: z.number().int(), failed: z.number().int(), cancelled: z.number().int() };

export const OverviewSchema = z
  .object({
    since: z.string(),
    until: z.string(),
    bucketMinutes: z.number(),
    buckets: z
      .array(z.object({ start: z.string(), ...Counts }))
      .openapi({ description: 'Runs started (by creation) and ended (by end time, per status) per bucket, oldest first' }),
    totals: z.object(Counts),
    failureRate: z.number().openapi({ description: 'Failed runs over runs ended in the window (0 when none ended)' }),
    workflows: z.array(
      z.object({
        workflow: z.string(),
        runs: z.number().int().openapi({ description: 'Runs created in the window' }),
        completed: z.number().int(),
        failed: z.number().int(),
        cancelled: z.number().int(),
        p50Ms: z.number().optional().openapi({ description: 'Median of ended − created over runs ended in the window' }),
        p95Ms: z.number().optional(),
      }),
    ),
    queues: z.array(
      z.object({
        queue: z.string(),
        queued: z.number().int(),
        oldestCreatedAt: z.string().optional(),
        oldestAgeMs: z.number().optional().openapi({ description: 'How long ago the oldest queued run was created' }),
        oldestWaitMs: z.number().optional().openapi({ description: 'How long the longest-waiting due run has waited for a worker' }),
      }),
    ),
    waitingForHumans: z.number().int().openapi({ description: "Runs waiting for a signal a person sends (a name not starting with '$')" }),
    llm: z
      .object({
        calls: z.number().int(),
        costUsd: z.number().openapi({ description: 'What the calls with a known price cost, in US dollars (an unpriced call adds 0)' }),
        unpricedCalls: z
          .number()
          .int()
          .openapi({ description: 'Calls whose model has no known price: their cost is unknown, so costUsd is a lower bound when this is above 0' }),
        inputTokens: z.number(),
        outputTokens: z.number(),
      })
      .openapi({ description: 'Model calls journaled by runs created in the window' }),
  })
  .openapi('Overview');

function overviewJson(overview: Overview, now: number): z.infer<typeof OverviewSchema> {
  return {
    ...overview,
    since: new Date(overview.since).toISOString(),
    until: new Date(overview.until).toISOString(),
    bucketMinutes: overview.bucketMs / 60_000,
    buckets: overview.buckets.map((b) => ({ ...b, start: new Date(b.start).toISOString() })),
    queues: overview.queues.map((q) => ({
      queue: q.queue,
      queued: q.queued,
      ...(q.oldestCreatedAt === undefined
        ? {}
        : { oldestCreatedAt: new Date(q.oldestCreatedAt).toISOString(), oldestAgeMs: Math.max(0, now - q.oldestCreatedAt) }),
      ...(q.oldestReadyAt === undefined ? {} : { oldestWaitMs: Math.max(0, now - q.oldestReadyAt) }),
    })),
  };
}

export function registerOverviewRoute(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/stats/overview',
      tags: ['stats'],
      summary: 'Overview of runs',
      description:
        "Runs started, completed, failed and cancelled per time bucket, per-workflow counts and duration percentiles, queue depths, runs waiting for people and LLM cost, for the calling key's namespace. Needs a viewer key.",
      request: { query: OverviewQuery },
      responses: {
        200: { description: 'The overview', content: { 'application/json': { schema: OverviewSchema } } },
        400: { description: 'Invalid request (a window of more than 500 buckets)', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const now = Date.now();
      const until = q.until === undefined ? now : Date.parse(q.until);
      const since = q.since === undefined ? until - 24 * HOUR : Date.parse(q.since);
      const namespace = apiKeyOf(c)?.namespace;
      const overview = await store.overview({ since, until, bucketMs: (q.bucket ?? 60) * 60_000, now, ...(namespace === undefined ? {} : { namespace }) });
      return c.json(overviewJson(overview, now), 200);
    },
  );
}
