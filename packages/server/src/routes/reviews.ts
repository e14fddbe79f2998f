/**
 * The review of failed runs: GET /api/reviews is the queue (failed runs of the key's namespace not
 * yet marked resolved, newest first; `state=resolved` lists the resolved ones), POST
 * /api/reviews/{id}/resolve marks a run's failure resolved with a note (operators; audited as
 * run.resolve). A run is retried or resumed from the queue at /api/runs/{id}/retry|resume: it leaves
 * the queue, and comes back if it fails again. /api/failure-workflows holds each namespace's failure
 * workflow (read by viewers, set by admins; audited as namespace.failureWorkflow).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MAX_REVIEW_NOTE, type Client, type FailureWorkflowSetting, type RunReview } from '@baton/core';
import { errorResponses, json, Name, NamespaceParam, RunIdParam, RunSchema } from '../schemas.js';
import { runsPageJson } from './runs.js';

export const RunReviewSchema = z
  .object({
    runId: z.string(),
    note: z.string().optional(),
    resolvedBy: z.string().optional().openapi({ description: 'The key id that marked it resolved' }),
    resolvedAt: z.string(),
  })
  .openapi('RunReview');

export const FailureWorkflowSchema = z
  .object({ namespace: z.string(), workflow: z.string(), updatedAt: z.string() })
  .openapi('FailureWorkflow', { description: "The workflow started with each failure of a namespace's runs" });

function reviewJson(review: RunReview): z.infer<typeof RunReviewSchema> {
  return {
    runId: review.runId,
    ...(review.note === undefined ? {} : { note: review.note }),
    ...(review.resolvedBy === undefined ? {} : { resolvedBy: review.resolvedBy }),
    resolvedAt: new Date(review.resolvedAt).toISOString(),
  };
}

function settingJson(setting: FailureWorkflowSetting): z.infer<typeof FailureWorkflowSchema> {
  return { namespace: setting.namespace, workflow: setting.workflow, updatedAt: new Date(setting.updatedAt).toISOString() };
}

export function registerReviewRoutes(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews',
      tags: ['reviews'],
      summary: 'Failed runs awaiting review',
      description:
        "The failed runs of the calling key's namespace whose failure no one has marked resolved yet, newest first (`state=resolved`: those marked resolved). Act on one with POST /api/runs/{id}/retry, /api/runs/{id}/resume or /api/reviews/{id}/resolve. Needs a viewer key.",
      request: {
        query: z.object({
          state: z.enum(['open', 'resolved']).optional().openapi({ description: "Default 'open' (the queue)" }),
          workflow: Name.optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Default 50' }),
          cursor: z.string().max(500).optional().openapi({ description: 'The nextCursor of the previous page' }),
        }),
      },
      responses: { 200: json(z.object({ runs: z.array(RunSchema), nextCursor: z.string().optional() }), 'Failed runs, newest first'), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await acting(c).list({
        review: q.state ?? 'open',
        ...(q.workflow === undefined ? {} : { workflow: q.workflow }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return c.json(runsPageJson(page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{id}',
      tags: ['reviews'],
      summary: "A failed run's resolution",
      description: "The resolution of the run's current failure, or `review: null` when it is not failed or not marked resolved. Needs a viewer key.",
      request: { params: RunIdParam },
      responses: { 200: json(z.object({ review: RunReviewSchema.nullable() }), 'The resolution, if any'), ...errorResponses },
    }),
    async (c) => {
      const review = await acting(c).reviews.get(c.req.valid('param').id);
      return c.json({ review: review === undefined ? null : reviewJson(review) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{id}/resolve',
      tags: ['reviews'],
      summary: 'Mark a failed run resolved',
      description: `Marks the run's current failure resolved, with an optional note (at most ${MAX_REVIEW_NOTE} characters), replacing an earlier resolution: the run leaves the review queue until it fails again. A run that is not failed: 409 BATON_RUN_NOT_FAILED. Needs an operator key.`,
      request: {
        params: RunIdParam,
        body: {
          required: false,
          content: { 'application/json': { schema: z.object({ note: z.string().max(MAX_REVIEW_NOTE).optional() }).openapi('ResolveRun') } },
        },
      },
      responses: { 200: json(z.object({ review: RunReviewSchema }), 'Resolved'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (await c.req.json().catch(() => ({}))) as { note?: unknown };
      const review = await acting(c).reviews.resolve(id, body.note === undefined ? {} : { note: body.note as string });
      return c.json({ review: reviewJson(review) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/failure-workflows',
      tags: ['reviews'],
      summary: "Namespaces' failure workflows",
      description: "Each namespace's failure workflow (only the key's own namespace for a key bound to one). Needs a viewer key.",
      responses: { 200: json(z.object({ failureWorkflows: z.array(FailureWorkflowSchema) }), 'By namespace'), ...errorResponses },
    }),
    async (c) => c.json({ failureWorkflows: (await acting(c).reviews.listFailureWorkflows()).map(settingJson) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/failure-workflows/{namespace}',
      tags: ['reviews'],
      summary: "Set a namespace's failure workflow",
      description:
        "Names the workflow started (with `{ runId, workflow, version, namespace, error, input }`) when a run of the namespace fails for good, unless the run's workflow names its own (`onFailure`). A key bound to a namespace sets only its own. Needs an admin key.",
      request: {
        params: NamespaceParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ workflow: Name }).openapi('SetFailureWorkflow') } } },
      },
      responses: { 200: json(z.object({ failureWorkflow: FailureWorkflowSchema }), 'Set'), ...errorResponses },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const setting = await acting(c).reviews.setFailureWorkflow(c.req.valid('json').workflow, namespace);
      return c.json({ failureWorkflow: settingJson(setting!) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/failure-workflows/{namespace}',
      tags: ['reviews'],
      summary: "Clear a namespace's failure workflow",
      description: 'Failures of the namespace start no workflow any more (but those whose workflow names its own). Needs an admin key.',
      request: { params: NamespaceParam },
      responses: { 200: json(z.object({ cleared: z.literal(true) }), 'Cleared'), ...errorResponses },
    }),
    async (c) => {
      await acting(c).reviews.setFailureWorkflow(undefined, c.req.valid('param').namespace);
      return c.json({ cleared: true as const }, 200);
    },
  );
}
