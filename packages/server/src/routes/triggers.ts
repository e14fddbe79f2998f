/**
 * GET /api/triggers: what starts runs of each workflow besides a person — the event triggers the
 * engines stored, the webhooks this server serves and the schedules — for the workflows page.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Store } from '@baton/core';
import type { WebhookDefinition } from '../webhooks.js';
import { json } from '../schemas.js';
import { apiKeyOf } from '../acting.js';

export const TriggersSchema = z
  .object({
    events: z.array(
      z.object({
        namespace: z.string().openapi({ description: 'The namespace whose events start it; its runs start there' }),
        workflow: z.string(),
        type: z.string().openapi({ description: 'The event type that starts a run' }),
        match: z.record(z.string(), z.unknown()).optional().openapi({ description: "Field values the event must have ('data.plan': 'pro')" }),
        input: z.enum(['event', 'data']).openapi({ description: "The run's input: the whole event or its data" }),
        queue: z.string(),
      }),
    ),
    webhooks: z.array(
      z.object({
        name: z.string(),
        workflow: z.string(),
        namespace: z.string().openapi({ description: "The namespace its deliveries' runs start in" }),
        path: z.string(),
        signed: z.boolean().openapi({ description: 'Deliveries are checked by an HMAC signature (otherwise they need an operator key)' }),
      }),
    ),
    schedules: z.array(
      z.object({
        id: z.string(),
        namespace: z.string(),
        workflow: z.string(),
        cron: z.string(),
        timezone: z.string(),
        paused: z.boolean(),
        nextAt: z.string().optional(),
      }),
    ),
  })
  .openapi('Triggers');

export function registerTriggersRoute(app: OpenAPIHono, store: Store, webhooks: readonly WebhookDefinition[]): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/triggers',
      tags: ['workflows'],
      summary: "List the workflows' triggers",
      description: 'The event triggers the engines stored, the webhooks this server serves, and the schedules, each with the workflow it starts.',
      responses: { 200: json(TriggersSchema, 'Triggers, by workflow') },
    }),
    async (c) => {
      // A key sees its namespace's triggers, webhooks and schedules only (a server without auth, all of them).
      const namespace = apiKeyOf(c)?.namespace;
      const [triggers, schedules] = await Promise.all([store.listTriggers(namespace), store.listSchedules(namespace)]);
      return c.json(
        {
          events: triggers.map((t) => ({
            namespace: t.namespace,
            workflow: t.workflow,
            type: t.type,
            ...(t.match === undefined ? {} : { match: t.match }),
            input: t.input,
            queue: t.queue,
          })),
          webhooks: webhooks
            .filter((h) => namespace === undefined || h.namespace === namespace)
            .map((h) => ({ name: h.name, workflow: h.workflow, namespace: h.namespace, path: `/hooks/${h.name}`, signed: h.secret !== undefined })),
          schedules: schedules.map((s) => ({
            id: s.id,
            namespace: s.namespace,
            workflow: s.workflow,
            cron: s.cron,
            timezone: s.timezone,
            paused: s.paused,
            ...(s.nextAt === undefined ? {} : { nextAt: new Date(s.nextAt).toISOString() }),
          })),
        },
        200,
      );
    },
  );
}
