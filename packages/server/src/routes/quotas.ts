/**
 * Namespace quotas over HTTP. The operators' namespace is 'default': its admin keys (and a server
 * without auth) set and remove any namespace's quota and list them all. A key of another namespace
 * reads its own namespace's quota only; another namespace's is not found (404), and changing any
 * quota is refused (403), so a tenant cannot raise its own limits. Changes are audited as quota.set
 * and quota.delete, refused ones too.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BatonError, type Client, type NamespaceQuota } from '@baton/core';
import type { Context } from 'hono';
import { apiKeyOf } from '../acting.js';
import { AuthErrorCode } from '../auth.js';
import { ApiErrorCode, ErrorSchema } from '../errors.js';
import { json, jsonBody, NamespaceParam } from '../schemas.js';

/** The namespace whose admins manage every namespace's quotas. */
export const OPERATORS_NAMESPACE = 'default';

export const QuotaSchema = z
  .object({
    namespace: z.string(),
    runsPerMinute: z.number().int().optional().openapi({ description: 'Runs created in the namespace in any 60 s window' }),
    concurrentRuns: z.number().int().optional().openapi({ description: 'Runs queued, running or waiting at once' }),
    modelSpendPerDayUsd: z.number().optional().openapi({ description: "USD of model calls by the namespace's runs created since 00:00 UTC" }),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('NamespaceQuota');

const QuotaLimits = z
  .object({
    runsPerMinute: z.number().int().min(0).nullable().optional(),
    concurrentRuns: z.number().int().min(0).nullable().optional(),
    modelSpendPerDayUsd: z.number().min(0).nullable().optional(),
  })
  .strict()
  .openapi('NamespaceQuotaLimits');

function quotaJson(quota: NamespaceQuota): z.infer<typeof QuotaSchema> {
  return { ...quota, updatedAt: new Date(quota.updatedAt).toISOString() };
}

/** The namespace the request's key is bound to; undefined for a server without auth or an operators' key. */
function tenantOf(c: Context): string | undefined {
  const key = apiKeyOf(c);
  return key === undefined || key.namespace === OPERATORS_NAMESPACE ? undefined : key.namespace;
}

function quotaNotFound(namespace: string): BatonError {
  return new BatonError(ApiErrorCode.NotFound, `Namespace '${namespace}' has no quota you can see. GET /api/quotas lists the ones you can.`, {
    retryable: false,
  });
}

function assertOperator(c: Context): void {
  const tenant = tenantOf(c);
  if (tenant !== undefined) {
    throw new BatonError(
      AuthErrorCode.Forbidden,
      `Quotas are set by admin keys of the '${OPERATORS_NAMESPACE}' namespace; this key is of '${tenant}'. Nothing was changed.`,
      { retryable: false },
    );
  }
}

export function registerQuotaRoutes(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/quotas',
      tags: ['quotas'],
      summary: 'Namespace quotas',
      description: `Every namespace's quota for keys of the '${OPERATORS_NAMESPACE}' namespace; the key's own namespace's for others.`,
      responses: { 200: json(z.object({ quotas: z.array(QuotaSchema) }), 'By namespace') },
    }),
    async (c) => {
      const tenant = tenantOf(c);
      const quotas = (await acting(c).quotas.list()).filter((q) => tenant === undefined || q.namespace === tenant);
      return c.json({ quotas: quotas.map(quotaJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/quotas/{namespace}',
      tags: ['quotas'],
      summary: "A namespace's quota",
      description: "404 BATON_NOT_FOUND when the namespace has no quota, or it is another namespace than a tenant key's own.",
      request: { params: NamespaceParam },
      responses: { 200: json(z.object({ quota: QuotaSchema }), 'The quota'), 404: json(ErrorSchema, 'No quota the key can see') },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const tenant = tenantOf(c);
      const quota = tenant === undefined || tenant === namespace ? await acting(c).quotas.get(namespace) : undefined;
      if (quota === undefined) throw quotaNotFound(namespace);
      return c.json({ quota: quotaJson(quota) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/quotas/{namespace}',
      tags: ['quotas'],
      summary: "Set a namespace's quota",
      description: `Replaces every limit of the namespace (a limit left out or null is no limit). Needs an admin key of the '${OPERATORS_NAMESPACE}' namespace (403 otherwise); audited as quota.set.`,
      request: { params: NamespaceParam, body: jsonBody(QuotaLimits) },
      responses: {
        200: json(z.object({ quota: QuotaSchema }), 'Set'),
        400: json(ErrorSchema, 'Invalid limits'),
        403: json(ErrorSchema, 'Not a key of the operators namespace'),
      },
    }),
    async (c) => {
      assertOperator(c);
      const { namespace } = c.req.valid('param');
      const body = c.req.valid('json');
      const limits = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== undefined));
      const quota = await acting(c).quotas.set(namespace, limits);
      return c.json({ quota: quotaJson(quota) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/quotas/{namespace}',
      tags: ['quotas'],
      summary: "Remove a namespace's quota",
      description: `Needs an admin key of the '${OPERATORS_NAMESPACE}' namespace (403 otherwise); audited as quota.delete. 404 when there was none.`,
      request: { params: NamespaceParam },
      responses: { 204: { description: 'Removed' }, 403: json(ErrorSchema, 'Not a key of the operators namespace'), 404: json(ErrorSchema, 'No quota') },
    }),
    async (c) => {
      assertOperator(c);
      const { namespace } = c.req.valid('param');
      if (!(await acting(c).quotas.remove(namespace))) throw quotaNotFound(namespace);
      return c.body(null, 204);
    },
  );
}
