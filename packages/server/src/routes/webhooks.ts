/**
 * POST /hooks/{name}: a webhook delivery starts the workflow bound to the hook, with the JSON body as
 * its input. A hook with a secret takes deliveries signed with it (webhooks.ts checks the signature;
 * the delivery id makes the run id, so a repeated delivery starts nothing new); one without needs an
 * operator key.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BatonError, type Client, type Store } from '@baton/core';
import type { Context } from 'hono';
import { apiKeyOf } from '../acting.js';
import { authorize } from '../auth.js';
import { ApiErrorCode, ErrorSchema } from '../errors.js';
import { vouchForHook } from '../refusal-audit.js';
import { errorResponses, json } from '../schemas.js';
import { checkSignature, type WebhookDefinition } from '../webhooks.js';

export interface WebhookRouteOptions {
  client: Client;
  /** Where the operator key of a delivery to a hook without a secret is looked up. */
  store: Store;
  /** Whether the server checks API keys (a hook without a secret then needs an operator key). */
  auth: boolean;
  /** The client acting for the request's key. */
  acting: (c: Context) => Client;
}

export function registerWebhookRoute(app: OpenAPIHono, webhooks: readonly WebhookDefinition[], options: WebhookRouteOptions): void {
  const { client, acting } = options;
  const hooks = new Map(webhooks.map((hook) => [hook.name, hook]));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/hooks/{name}',
      tags: ['webhooks'],
      description:
        'Starts the workflow bound to the hook with the JSON body as input. A hook with a secret needs X-Baton-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; one without needs an operator key.',
      request: {
        params: z.object({
          name: z
            .string()
            .min(1)
            .max(100)
            .openapi({ param: { name: 'name', in: 'path' } }),
        }),
      },
      responses: {
        202: json(z.object({ runId: z.string(), created: z.boolean() }), 'Started (or, for a repeated delivery, already started)'),
        401: json(ErrorSchema, 'Bad or missing signature or key'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const hook = hooks.get(name);
      const notFound = () => new BatonError(ApiErrorCode.NotFound, `No webhook '${name}'.`, { retryable: false });
      if (hook === undefined) throw notFound();
      const raw = await c.req.text();
      let id: string | undefined;
      let starter = client.as({ id: `hook:${hook.name}`, namespace: hook.namespace });
      if (hook.secret === undefined) {
        const refused = options.auth ? await authorize(options.store, c, 'operator') : undefined;
        if (refused !== undefined) return refused as never;
        // A key of another namespace does not see the hook: the same answer as for one that does not exist.
        const key = apiKeyOf(c);
        if (key !== undefined && key.namespace !== hook.namespace) throw notFound();
        starter = acting(c);
      } else {
        const check = checkSignature(hook, c.req.header('x-baton-signature'), raw, Date.now());
        if (!check.ok) throw new BatonError(ApiErrorCode.WebhookSignature, check.reason, { retryable: false });
        vouchForHook(c, hook.name);
        id = `hook-${hook.name}-${check.deliveryId}`;
      }
      let input: unknown;
      try {
        input = raw.length === 0 ? undefined : (JSON.parse(raw) as unknown);
      } catch {
        throw new BatonError(ApiErrorCode.InvalidJson, 'The request body is not valid JSON.', { retryable: false });
      }
      const handle = await starter.start(hook.workflow, input, id === undefined ? {} : { id });
      return c.json({ runId: handle.id, created: handle.created }, 202);
    },
  );
}
