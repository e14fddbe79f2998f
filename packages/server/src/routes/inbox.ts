/**
 * The approval inbox: GET /api/inbox lists the runs of the key's namespace waiting for a person's
 * signal (oldest wait first), each with the JSON Schema of the signals its workflow declares; claim
 * and release say who handles a run (operators; audited as inbox.claim and inbox.release).
 * Approving or rejecting is sending the signal: POST /api/runs/{id}/signal.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Client, InboxEntry, WorkflowRegistry } from '@baton/core';
import { actingClient, apiKeyOf } from '../acting.js';
import { ErrorSchema } from '../errors.js';
import { signalSchemas } from '../json-schema.js';
import { RunIdParam, json } from '../schemas.js';
import { toTypedJson } from '../typed-json.js';

export const InboxClaimSchema = z
  .object({
    runId: z.string(),
    assignee: z.string(),
    claimedBy: z.string().openapi({ description: 'The key id that made the claim' }),
    claimedAt: z.string(),
  })
  .openapi('InboxClaim');

export const InboxEscalationSchema = z
  .object({
    assignee: z.string().optional().openapi({ description: 'The person or group the last reassign stage gave the task to' }),
    began: z.string().openapi({ description: 'When the wait began; stage times count from it' }),
    stages: z
      .array(
        z.object({
          action: z.enum(['remind', 'reassign', 'notify', 'decide']),
          at: z.string(),
          to: z.string().optional(),
          channels: z.array(z.string()).optional(),
        }),
      )
      .openapi({ description: 'The stages that happened, in order (audited with actor escalation)' }),
    next: z.object({ action: z.string(), at: z.string() }).optional().openapi({ description: 'The next stage and when it is due' }),
  })
  .openapi('InboxEscalation');

export const InboxEntrySchema = z
  .object({
    runId: z.string(),
    workflow: z.string(),
    version: z.string(),
    namespace: z.string(),
    signals: z
      .array(
        z.object({ name: z.string(), schema: z.unknown().optional().openapi({ description: "The signal data's JSON Schema, when the workflow declares it" }) }),
      )
      .openapi({ description: 'The signals the run waits for that a person sends' }),
    since: z.string().openapi({ description: 'When the run began to wait' }),
    deadline: z.string().optional().openapi({ description: 'When the wait times out, if a timer bounds it' }),
    progress: z.unknown().optional(),
    tags: z.array(z.string()),
    claim: InboxClaimSchema.optional(),
    escalation: InboxEscalationSchema.optional().openapi({ description: "How far the task's escalation policy has gone, when its wait has one" }),
  })
  .openapi('InboxEntry');

const errors = {
  400: json(ErrorSchema, 'Invalid request'),
  404: json(ErrorSchema, "No run of the caller's namespace has this id"),
  409: json(ErrorSchema, 'BATON_RUN_NOT_WAITING: the run waits for no signal a person sends'),
} as const;

function entryJson(entry: InboxEntry, workflows: WorkflowRegistry | undefined): z.infer<typeof InboxEntrySchema> {
  const { run } = entry;
  const declared = signalSchemas(workflows?.get(run.workflow, run.version) ?? workflows?.get(run.workflow));
  const out: z.infer<typeof InboxEntrySchema> = {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    namespace: run.namespace,
    signals: entry.signals.map((name) => (declared[name] === undefined ? { name } : { name, schema: declared[name] })),
    since: entry.since.toISOString(),
    tags: run.tags,
  };
  if (entry.deadline !== undefined) out.deadline = entry.deadline.toISOString();
  if (run.progress !== undefined) out.progress = toTypedJson(run.progress);
  if (entry.claim !== undefined) out.claim = { runId: run.id, ...entry.claim, claimedAt: entry.claim.claimedAt.toISOString() };
  const escalation = entry.escalation;
  if (escalation !== undefined) {
    out.escalation = {
      began: escalation.began.toISOString(),
      stages: escalation.stages.map((stage) => ({ ...stage, at: stage.at.toISOString() })),
    };
    if (escalation.assignee !== undefined) out.escalation.assignee = escalation.assignee;
    if (escalation.next !== undefined) out.escalation.next = { action: escalation.next.action, at: escalation.next.at.toISOString() };
  }
  return out;
}

export function registerInboxRoutes(app: OpenAPIHono, client: Client, workflows: WorkflowRegistry | undefined): void {
  const acting = (c: Context): Client => actingClient(c, client);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/inbox',
      tags: ['inbox'],
      summary: 'Runs waiting for a person',
      description:
        "Every run of the calling key's namespace waiting for a signal a person sends (a name not starting with '$'), oldest wait first. Approve or reject one by sending its signal (POST /api/runs/{id}/signal). Needs a viewer key.",
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Default 50' }),
          cursor: z.string().max(500).optional().openapi({ description: 'The nextCursor of the previous page' }),
        }),
      },
      responses: {
        200: json(z.object({ entries: z.array(InboxEntrySchema), nextCursor: z.string().optional() }), 'Waiting runs, oldest wait first'),
        400: errors[400],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await acting(c).inbox.list({
        ...(q.limit === undefined ? {} : { limit: q.limit }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return c.json(
        { entries: page.entries.map((e) => entryJson(e, workflows)), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/inbox/{id}/claim',
      tags: ['inbox'],
      summary: 'Claim a waiting run',
      description:
        "Assigns a run waiting for a person to `assignee` (default: the calling key's name), replacing an earlier claim. A run that waits for no person's signal: 409 BATON_RUN_NOT_WAITING. Needs an operator key.",
      request: {
        params: RunIdParam,
        body: {
          required: false,
          content: { 'application/json': { schema: z.object({ assignee: z.string().min(1).max(200).optional() }).openapi('ClaimInboxRun') } },
        },
      },
      responses: { 200: json(z.object({ claim: InboxClaimSchema }), 'Claimed'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (await c.req.json().catch(() => ({}))) as { assignee?: unknown };
      const assignee = typeof body.assignee === 'string' ? body.assignee : (apiKeyOf(c)?.name ?? 'local');
      const claim = await acting(c).inbox.claim(id, assignee);
      return c.json({ claim: { runId: id, ...claim, claimedAt: claim.claimedAt.toISOString() } }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/inbox/{id}/release',
      tags: ['inbox'],
      summary: 'Release a claimed run',
      description: 'Drops the claim on a run; `released` is false when it had none. Needs an operator key.',
      request: { params: RunIdParam },
      responses: { 200: json(z.object({ released: z.boolean() }), 'Released (or not claimed)'), ...errors },
    }),
    async (c) => {
      const released = await acting(c).inbox.release(c.req.valid('param').id);
      return c.json({ released }, 200);
    },
  );
}
