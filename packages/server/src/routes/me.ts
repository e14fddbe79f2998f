/** GET /api/me: the calling key as the server sees it (who am I, what may I do, which namespace). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ROLES } from '@baton/core';
import { apiKeyOf } from '../acting.js';

export const MeSchema = z
  .object({
    id: z.string().openapi({ description: "The key's id ('local' on a server without auth)" }),
    name: z.string().optional(),
    role: z.enum(ROLES),
    namespace: z.string().nullable().openapi({ description: "The key's namespace; null on a server without auth (every namespace)" }),
  })
  .openapi('Me');

export function registerMeRoute(app: OpenAPIHono): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      tags: ['keys'],
      summary: 'The calling key',
      description: 'The id, name, role and namespace of the key this request carries. Needs a viewer key.',
      responses: { 200: { description: 'The calling key', content: { 'application/json': { schema: MeSchema } } } },
    }),
    (c) => {
      const key = apiKeyOf(c);
      const me: z.infer<typeof MeSchema> =
        key === undefined ? { id: 'local', role: 'admin', namespace: null } : { id: key.id, name: key.name, role: key.role, namespace: key.namespace };
      return c.json(me, 200);
    },
  );
}
