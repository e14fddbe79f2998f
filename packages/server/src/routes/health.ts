/**
 * GET /api/health (the process is up; never needs a key) and GET /api/ready (the store answers), for
 * load balancers and orchestrators.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@baton/core';
import { ErrorSchema } from '../errors.js';
import { json } from '../schemas.js';

export function registerHealthRoutes(app: OpenAPIHono, client: Client): void {
  app.openapi(
    createRoute({ method: 'get', path: '/api/health', tags: ['health'], responses: { 200: json(z.object({ status: z.literal('ok') }), 'The process is up') } }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/ready',
      tags: ['health'],
      responses: { 200: json(z.object({ status: z.literal('ready') }), 'The store answers'), 503: json(ErrorSchema, 'The store does not answer') },
    }),
    async (c) => {
      await client.get('readiness-probe');
      return c.json({ status: 'ready' as const }, 200);
    },
  );
}
