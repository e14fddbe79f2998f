/** GET /api/me: the calling key as the server sees it (who am I, what may I do, in which namespaces). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ROLES } from '@baton/core';
import { apiKeyOf, storedKeyOf } from '../acting.js';
import { namespacesOf } from '../auth.js';

export const MeSchema = z
  .object({
    id: z.string().openapi({ description: "The key's id ('local' on a server without auth)" }),
    name: z.string().optional(),
    role: z.enum(ROLES),
    namespace: z
      .string()
      .nullable()
      .openapi({ description: "The namespace this request acts in (Baton-Namespace, or the key's own); null on a server without auth (every namespace)" }),
    keyNamespace: z.string().optional().openapi({ description: 'The namespace the key was made for' }),
    namespaces: z.array(z.string()).optional().openapi({ description: "Every namespace the key may act in, its own first; '*' stands for every namespace" }),
  })
  .openapi('Me');

export function registerMeRoute(app: OpenAPIHono): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      tags: ['keys'],
      summary: 'The calling key',
      description:
        'The id, name and role of the key this request carries, the namespace the request acts in, and the namespaces the key may choose with the Baton-Namespace header. Needs a viewer key.',
      responses: { 200: { description: 'The calling key', content: { 'application/json': { schema: MeSchema } } } },
    }),
    (c) => {
      const key = apiKeyOf(c);
      const stored = storedKeyOf(c) ?? key;
      const me: z.infer<typeof MeSchema> =
        key === undefined || stored === undefined
          ? { id: 'local', role: 'admin', namespace: null }
          : { id: key.id, name: key.name, role: key.role, namespace: key.namespace, keyNamespace: stored.namespace, namespaces: namespacesOf(stored) };
      return c.json(me, 200);
    },
  );
}
