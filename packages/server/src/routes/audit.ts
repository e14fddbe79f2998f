/** GET /api/audit: the audit log of the key's namespace, newest first (admins only, see auth.ts). */
import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AuditFilter, AuditRecord, Store } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { ErrorSchema } from '../errors.js';
import { AuditEntrySchema, Name } from '../schemas.js';

const AuditQuery = z.object({
  actor: Name.optional().openapi({ description: 'Only entries of this actor (an API key id)' }),
  action: Name.optional().openapi({ description: "Only entries of this action, such as 'run.start'" }),
  target: Name.optional().openapi({ description: 'Only entries about this run, schedule, event or key' }),
  result: Name.optional().openapi({ description: "Only entries with this result: 'ok' or an error code" }),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'The nextBefore of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

function entryJson(entry: AuditRecord): z.infer<typeof AuditEntrySchema> {
  const out: z.infer<typeof AuditEntrySchema> = { ...entry, at: new Date(entry.at).toISOString() };
  if (entry.detail !== undefined) {
    try {
      out.detail = JSON.parse(entry.detail) as unknown;
    } catch {
      out.detail = entry.detail;
    }
  }
  return out;
}

export function registerAuditRoute(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      summary: 'Read the audit log',
      description:
        'Every change made through the API (start, signal, cancel, retry, resume, emit, schedule and key changes) and every refused one, newest first, in the namespace of the calling key. Needs an admin key.',
      request: { query: AuditQuery },
      responses: {
        200: {
          description: 'Audit entries, newest first',
          content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema), nextBefore: z.number().int().optional() }) } },
        },
        400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit ?? 100;
      const filter: AuditFilter = { limit };
      const namespace = apiKeyOf(c)?.namespace;
      if (namespace !== undefined) filter.namespace = namespace;
      for (const key of ['actor', 'action', 'target', 'result', 'before'] as const) if (q[key] !== undefined) Object.assign(filter, { [key]: q[key] });
      if (q.since !== undefined) filter.since = Date.parse(q.since);
      if (q.until !== undefined) filter.until = Date.parse(q.until);
      const entries = await store.listAudit(filter);
      const last = entries[entries.length - 1];
      return c.json({ entries: entries.map(entryJson), ...(entries.length === limit && last !== undefined ? { nextBefore: last.id } : {}) }, 200);
    },
  );
}
