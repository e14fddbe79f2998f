/**
 * GET /api/workflows: the workflows this server has the code of, with their input, output and signal
 * schemas as JSON Schema, then those of the store's catalog it has not (see catalog.ts). Deployed
 * definitions belong to a namespace: a request sees only those of the namespace it acts in.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { isWorkflow, type Store, type WorkflowRegistry } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { catalogWorkflows } from '../catalog.js';
import { signalSchemas } from '../json-schema.js';
import { WorkflowSchema, json } from '../schemas.js';

export function registerWorkflowsRoute(app: OpenAPIHono, store: Store, registry: WorkflowRegistry | undefined): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workflows',
      tags: ['workflows'],
      description:
        "The workflows this server has the code of, then those of the store's catalog it has not (registered by workers elsewhere: each one's current version). Deployed definitions of other namespaces than the one the request acts in are left out.",
      responses: { 200: json(z.object({ workflows: z.array(WorkflowSchema) }), 'Known workflows') },
    }),
    async (c) => {
      const workflows = (registry?.current() ?? []).filter(isWorkflow).map((w) => {
        const out: z.infer<typeof WorkflowSchema> = { name: w.name, version: w.version, queue: w.options.queue ?? 'default' };
        if (w.options.description !== undefined) out.description = w.options.description;
        if (w.options.input !== undefined) {
          try {
            out.inputSchema = z.toJSONSchema(w.options.input as z.ZodType, { io: 'input', unrepresentable: 'any' });
          } catch {
            // A schema JSON Schema cannot express (a transform): published without it.
          }
        }
        if (w.options.output !== undefined) {
          try {
            out.outputSchema = z.toJSONSchema(w.options.output as z.ZodType, { io: 'output', unrepresentable: 'any' });
          } catch {
            // As for the input: published without it.
          }
        }
        if (w.options.signals !== undefined) out.signals = signalSchemas(w);
        return out;
      });
      workflows.push(...(await catalogWorkflows(store, new Set(workflows.map((w) => w.name)))));
      const namespace = apiKeyOf(c)?.namespace;
      if (namespace === undefined) return c.json({ workflows }, 200);
      const owners = new Map((await store.listDefinitionSummaries()).map(({ latest }) => [latest.name, latest.namespace]));
      return c.json({ workflows: workflows.filter((w) => (owners.get(w.name) ?? namespace) === namespace) }, 200);
    },
  );
}
