/**
 * GET /api/definitions/{name}/versions/{version}/graph: a deployed definition drawn as a graph (its
 * tasks, the compound tasks that group them and the edges of its flow), for the dashboard to lay out
 * before any run and to colour with a run's journal. Nodes are named by the task's JSON pointer, the
 * name its journal entries carry. POST /api/definitions/graph draws a text not deployed (a draft),
 * after validating it as a deploy would: the dashboard's editor checks each edit with it.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ErrorCode } from '@baton/core';
import { DefinitionError, definitionGraph, parseDefinition, type PlanningCatalog } from '@baton/dsl';
import { apiKeyOf } from '../acting.js';
import { ErrorSchema, apiError } from '../errors.js';
import { json } from '../schemas.js';

const NODE_KINDS = ['start', 'end', 'call', 'do', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait'] as const;
const EDGE_KINDS = ['next', 'then', 'case', 'loop', 'branch', 'catch', 'retry'] as const;

export const DefinitionGraphSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    nodes: z.array(
      z.object({
        id: z.string().openapi({ description: "The task's JSON pointer (`/do/1/checkStock`), or `start` / `end`" }),
        name: z.string(),
        kind: z.enum(NODE_KINDS),
        parent: z.string().optional().openapi({ description: 'The compound task (do, for, fork, try) this task is part of' }),
        label: z.string().openapi({ description: 'What the task does in a few words' }),
        condition: z.string().optional().openapi({ description: "The task's `if`" }),
      }),
    ),
    edges: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        kind: z.enum(EDGE_KINDS).openapi({
          description:
            'An edge between a compound task and a descendant enters the group (from it) or leaves it (to it); an edge from a compound to itself is its loop (for), its retry (try) or the way through an empty body (next)',
        }),
        label: z.string().optional().openapi({ description: "A switch case's `when` (or `default`), a catch's error type, a loop's `while`" }),
      }),
    ),
  })
  .openapi('DefinitionGraph');

/** Reads a deployed definition's document as a request acting in `namespace` sees it (undefined: no such definition or version there). */
export type ReadDefinitionDocument = (name: string, version: string, namespace: string | undefined) => Promise<{ do?: unknown } | undefined>;

const Params = z.object({
  name: z
    .string()
    .min(1)
    .max(400)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'acme.order-pets' }),
  version: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'version', in: 'path' }, example: '1.0.0' }),
});

/** The longest definition text the draft graph and simulations read (the request body's own limit applies first). */
export const MAX_DEFINITION_TEXT = 1_000_000;

export const DraftGraphSchema = DefinitionGraphSchema.extend({
  inputSchema: z.unknown().optional().openapi({ description: 'The JSON Schema of its input (its `input.schema` document), when it declares one' }),
}).openapi('DraftGraph');

/** The JSON Schema a document declares for its input, when it has a JSON one. */
function inputSchemaOf(document: { input?: unknown }): unknown {
  const schema = (document.input as { schema?: { format?: unknown; document?: unknown } } | undefined)?.schema;
  if (schema === undefined || (schema.format !== undefined && schema.format !== 'json')) return undefined;
  return typeof schema.document === 'object' && schema.document !== null ? schema.document : undefined;
}

const DraftBody = z
  .object({ definition: z.string().min(1).max(MAX_DEFINITION_TEXT).openapi({ description: 'The definition as YAML or JSON text' }) })
  .openapi('DraftDefinition');

/**
 * `catalog` reads what the deployment has: a draft is checked against it as the planner checks its
 * answers (the workflows it calls exist and get inputs that fit, approvals have forms).
 */
export function registerDefinitionGraphRoute(app: OpenAPIHono, readDocument: ReadDefinitionDocument, catalog?: () => Promise<PlanningCatalog>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/definitions/graph',
      tags: ['definitions'],
      summary: 'Validate a definition text not deployed, and draw it as a graph',
      description:
        'Validates the text as a deploy would, and against what the deployment has as the planner does (the workflows it calls exist and get inputs that fit, approvals have forms: issues of kind catalog), and draws its flow; nothing is stored. An invalid text is refused with 400 BATON_INVALID_DEFINITION, details.issues listing each problem with its line and column. Needs a viewer key.',
      request: { body: { required: true, content: { 'application/json': { schema: DraftBody } } } },
      responses: {
        200: json(DraftGraphSchema, 'It is valid: its tasks and the edges between them, and its input schema'),
        400: json(ErrorSchema, 'Invalid request, or an invalid definition (BATON_INVALID_DEFINITION: details.issues)'),
      },
    }),
    async (c) => {
      const { definition } = c.req.valid('json');
      const parsed = await parseDefinition(definition, catalog === undefined ? {} : { catalog: await catalog() });
      if (!parsed.ok) throw new DefinitionError(parsed.issues);
      const document = parsed.definition.document as { do?: unknown; input?: unknown };
      const graph = definitionGraph(document);
      const inputSchema = inputSchemaOf(document);
      return c.json(
        {
          name: parsed.definition.workflowName,
          version: parsed.definition.version,
          nodes: [...graph.nodes],
          edges: [...graph.edges],
          ...(inputSchema === undefined ? {} : { inputSchema }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions/{name}/versions/{version}/graph',
      tags: ['definitions'],
      summary: "Draw a definition version's flow as a graph",
      request: { params: Params },
      responses: {
        200: json(DefinitionGraphSchema, 'Its tasks and the edges between them'),
        400: json(ErrorSchema, 'Invalid request'),
        404: json(ErrorSchema, 'No such definition, or no such version of it'),
      },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      const document = await readDocument(name, version, apiKeyOf(c)?.namespace);
      if (document === undefined) {
        return c.json(
          apiError(ErrorCode.DefinitionNotFound, `No definition ${name} has version ${version}: GET /api/definitions/${name} lists its versions.`, {
            name,
            version,
          }),
          404,
        );
      }
      const graph = definitionGraph(document);
      return c.json({ name, version, nodes: [...graph.nodes], edges: [...graph.edges] }, 200);
    },
  );
}
