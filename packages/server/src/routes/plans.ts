/**
 * Planning through the API: POST /api/plans starts a run of the planner workflow (`baton.plan`) with
 * the request as its input, GET /api/plans/{id} reads it back: the rounds so far while it plans (its
 * progress), the result once it is done. Planning is an ordinary durable run, so a plan is found,
 * audited and namespaced like any run; a run of another workflow is no plan.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BatonError, ErrorCode, isBatonError, type Client, type RunInfo } from '@baton/core';
import { PLANNER_WORKFLOW, type PlanRequest } from '@baton/dsl';
import type { Context } from 'hono';
import { ErrorSchema } from '../errors.js';
import { json } from '../schemas.js';

/** No planning run has this id in the caller's namespace (or the run with it is not a planning run). */
export const PLAN_NOT_FOUND = 'BATON_PLAN_NOT_FOUND';

/** A validation problem of a definition, with its place (the same shape `baton validate` prints). */
export const DefinitionIssueSchema = z
  .object({
    kind: z.string().openapi({ description: "'syntax', 'schema', 'reference', 'duplicate', 'expression', 'unsupported' or 'catalog'" }),
    file: z.string().optional(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    path: z.string().openapi({ description: 'JSON pointer of the offending value' }),
    message: z.string(),
  })
  .openapi('DefinitionIssue');

const TokensSchema = z.object({ input: z.number(), output: z.number(), total: z.number() }).openapi('PlanTokens');

export const PlanRoundSchema = z
  .object({
    round: z.number().int(),
    model: z.string().openapi({ description: 'The model that answered (provider:model)' }),
    answer: z.string().openapi({ description: "The model's whole answer" }),
    definition: z.string().optional().openapi({ description: 'The definition text taken from the answer' }),
    issues: z.array(DefinitionIssueSchema),
    valid: z.boolean(),
    tokens: TokensSchema,
    costUsd: z.number(),
  })
  .openapi('PlanRound');

export const PlanResultSchema = z
  .object({
    valid: z.boolean(),
    definition: z.string().optional().openapi({ description: "The last round's definition text (valid or not)" }),
    workflowName: z.string().optional(),
    version: z.string().optional(),
    rounds: z.array(PlanRoundSchema),
    issues: z.array(DefinitionIssueSchema).openapi({ description: 'What is still wrong after the last round (empty when valid)' }),
    tokens: TokensSchema,
    costUsd: z.number(),
    diff: z.string().optional().openapi({ description: 'With `from`: a unified diff from the given definition to the result' }),
  })
  .openapi('PlanResult');

export const PlanProgressSchema = z
  .object({
    planning: z.literal(true),
    phase: z.enum(['catalog', 'asking', 'validating', 'done']),
    round: z.number().int(),
    maxRounds: z.number().int(),
    rounds: z.array(PlanRoundSchema).openapi({ description: 'The rounds finished so far' }),
  })
  .openapi('PlanProgress');

export const PlanRequestSchema = z
  .object({
    description: z.string().min(1).max(20_000).openapi({ description: 'The process in plain language' }),
    from: z
      .string()
      .min(1)
      .max(200 * 1024)
      .optional()
      .openapi({ description: 'A definition (YAML or JSON text, at most 200 KiB) to revise as the description asks' }),
    model: z.string().min(1).max(200).optional().openapi({ description: 'provider:model; default the configured default model' }),
    maxRounds: z.number().int().min(1).max(10).optional().openapi({ description: 'Rounds before giving up (default 3)' }),
    id: z.string().min(1).max(200).optional().openapi({ description: 'The run id (a repeated request with the same id starts nothing new)' }),
  })
  .openapi('PlanRequest');

export const PlanSchema = z
  .object({
    id: z.string().openapi({ description: 'The planning run' }),
    status: z.string().openapi({ description: "The run's status: queued, running, completed, failed or cancelled" }),
    request: z.unknown().optional().openapi({ description: 'What was asked (the PlanRequest)' }),
    progress: PlanProgressSchema.optional(),
    result: PlanResultSchema.optional(),
    error: z.unknown().optional().openapi({ description: 'Why the planning run failed (not an invalid definition: that is a result with valid false)' }),
    createdAt: z.string(),
  })
  .openapi('Plan');

const PlanIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

function planNotFound(id: string): BatonError {
  return new BatonError(PLAN_NOT_FOUND, `No plan has id '${id.slice(0, 200)}'. POST /api/plans starts one.`, { retryable: false, details: { id } });
}

function planJson(run: RunInfo): z.infer<typeof PlanSchema> {
  const plan: z.infer<typeof PlanSchema> = { id: run.id, status: run.status, createdAt: run.createdAt.toISOString() };
  if (run.input !== undefined) plan.request = run.input;
  if (run.progress !== undefined) plan.progress = run.progress as z.infer<typeof PlanProgressSchema>;
  if (run.status === 'completed' && run.output !== undefined) plan.result = run.output as z.infer<typeof PlanResultSchema>;
  if (run.error !== undefined) plan.error = run.error;
  return plan;
}

export function registerPlanRoutes(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/plans',
      tags: ['plans'],
      summary: 'Plan a workflow from a description',
      description:
        'Starts a planning run (the `baton.plan` workflow): a model writes a Serverless Workflow definition for the description, each answer validated (and checked against what this deployment has) and sent back with its problems for another round, up to maxRounds. Read it with GET /api/plans/{id}. Needs an operator key; audited as run.start. 404 BATON_WORKFLOW_NOT_FOUND when no worker runs the planner.',
      request: { body: { required: true, content: { 'application/json': { schema: PlanRequestSchema } } } },
      responses: {
        202: json(
          z.object({ id: z.string(), status: z.string(), created: z.boolean() }).openapi('PlanStarted'),
          'Planning started (or, with a repeated id, started already)',
        ),
        400: json(ErrorSchema, 'Invalid request'),
        404: json(ErrorSchema, 'No worker runs the planner (BATON_WORKFLOW_NOT_FOUND)'),
        409: json(ErrorSchema, 'The id is taken by a run of another namespace'),
      },
    }),
    async (c) => {
      const { id, ...fields } = c.req.valid('json');
      const request: PlanRequest = {
        description: fields.description,
        ...(fields.from === undefined ? {} : { from: fields.from }),
        ...(fields.model === undefined ? {} : { model: fields.model }),
        ...(fields.maxRounds === undefined ? {} : { maxRounds: fields.maxRounds }),
      };
      const client = acting(c);
      if (id !== undefined) {
        // A repeated request names its plan again: an id taken by another workflow's run is no plan of it.
        const existing = await client.get(id);
        if (existing !== undefined && existing.workflow !== PLANNER_WORKFLOW)
          throw new BatonError(ErrorCode.RunIdTaken, `The id '${id}' is taken by a run of ${existing.workflow}: pick another.`, { retryable: false });
      }
      let handle;
      try {
        handle = await client.start(PLANNER_WORKFLOW, request, id === undefined ? {} : { id });
      } catch (error) {
        if (isBatonError(error) && error.code === ErrorCode.WorkflowNotFound)
          throw new BatonError(
            ErrorCode.WorkflowNotFound,
            `No worker runs the planner (${PLANNER_WORKFLOW}): start one with baton dev, baton start or baton worker, which register it. No plan was started.`,
            { retryable: false, cause: error },
          );
        throw error;
      }
      const run = await client.get(handle.id);
      return c.json({ id: handle.id, status: run?.status ?? 'queued', created: handle.created }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{id}',
      tags: ['plans'],
      summary: 'A plan: its rounds so far, or its result',
      description:
        "A planning run: while it plans, its progress (each finished round with its model, issues, tokens and cost); once done, its result (valid or not, the definition, the rounds, the diff for a revision). 404 BATON_PLAN_NOT_FOUND for an id that is no planning run of the key's namespace.",
      request: { params: PlanIdParam },
      responses: { 200: json(PlanSchema, 'The plan'), 400: json(ErrorSchema, 'Invalid request'), 404: json(ErrorSchema, 'No such plan') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const run = await acting(c).get(id);
      if (run === undefined || run.workflow !== PLANNER_WORKFLOW) throw planNotFound(id);
      return c.json(planJson(run), 200);
    },
  );
}
