/** The API's response shapes (zod): they validate, document (OpenAPI) and type the client. */
import { ROLES } from '@baton/core';
import { z } from '@hono/zod-openapi';
import { ErrorSchema } from './errors.js';

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export const Name = z.string().min(1).max(200);

/** A JSON response of `schema` in a route's OpenAPI description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A required JSON request body of `schema` in a route's OpenAPI description. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

/** The refusals the run, event, schedule and webhook routes share, in their OpenAPI descriptions. */
export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflicts with the current state', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

/** An `{id}` path parameter: the run routes' and the schedule routes'. */
const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** The `{id}` path parameter of the run routes. */
export const RunIdParam = IdParam;

/** The `{id}` path parameter of the schedule routes. */
export const ScheduleIdParam = IdParam;

/** The `{namespace}` path parameter of the per-namespace settings (quotas, policies, failure workflows). */
export const NamespaceParam = z.object({
  namespace: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'namespace', in: 'path' } }),
});

export const RunSchema = z
  .object({
    id: z.string(),
    workflow: z.string(),
    version: z.string(),
    status: z.enum(RUN_STATUSES),
    input: z.unknown(),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
    progress: z.unknown().optional(),
    queue: z.string(),
    priority: z.number().int(),
    parentId: z.string().optional(),
    parentSeq: z.number().int().optional().openapi({ description: "For a child run: the position (seq) of the entry that started it in its parent's journal" }),
    continuedFrom: z.string().optional(),
    continuedTo: z.string().optional(),
    cancelRequested: z.boolean(),
    compensating: z.boolean(),
    compensationPlan: z
      .array(z.object({ seq: z.number().int(), name: z.string() }))
      .optional()
      .openapi({
        description:
          "For a run that compensated: the completed steps it undoes, latest first (each one's position and name), as they stood when compensation began; each undo is a journal entry of kind 'compensation' once it has run",
      }),
    wakeAt: z.string().optional(),
    waitingFor: z.object({ signals: z.array(z.string()), children: z.array(z.string()) }).optional(),
    claims: z.number().int(),
    namespace: z.string(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
  })
  .openapi('Run');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    actor: z.string().openapi({ description: "The API key id that acted ('local' without auth, 'hook:<name>' for a signed webhook)" }),
    namespace: z.string(),
    action: z.string().openapi({ example: 'run.cancel' }),
    target: z.string().openapi({ description: 'The run, schedule, event or key acted on' }),
    result: z.string().openapi({ description: "'ok', 'existing' (a repeated start), or the error code the call failed with" }),
    detail: z.unknown().optional(),
    at: z.string(),
  })
  .openapi('AuditEntry');

export const ChangeSchema = z
  .object({
    runId: z.string(),
    workflow: z.string(),
    namespace: z.string(),
    kind: z.enum(['run', 'entry']),
    status: z.string().openapi({ description: "The run's new status, or the journal entry's ('completed' or 'failed')" }),
    seq: z.number().int().optional(),
    name: z.string().optional(),
    entryKind: z.string().optional(),
    at: z.string(),
  })
  .openapi('Change');

export const JournalEntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    name: z.string(),
    status: z.enum(['completed', 'failed', 'skipped']),
    input: z.unknown().optional().openapi({ description: "What the entry worked on: a step's `input` option, or a compensation's step result" }),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
    attempts: z.number().int(),
    startedAt: z.string(),
    endedAt: z.string(),
    durationMs: z.number(),
    compensates: z.number().int().optional(),
  })
  .openapi('JournalEntry');

export const EventSchema = z
  .object({
    seq: z.number().int(),
    namespace: z.string().openapi({ description: 'The namespace it was emitted in: only its triggers and waiting runs see it' }),
    id: z.string(),
    type: z.string(),
    source: z.string(),
    subject: z.string().optional(),
    time: z.string(),
    data: z.unknown(),
    receivedAt: z.string(),
  })
  .openapi('Event');

export const ScheduleSchema = z
  .object({
    id: z.string().openapi({ description: 'Unique across namespaces' }),
    namespace: z.string().openapi({ description: 'The namespace it belongs to; its runs start there' }),
    workflow: z.string(),
    cron: z.string(),
    timezone: z.string(),
    input: z.unknown(),
    overlap: z.enum(['skip', 'buffer', 'allow']),
    catchup: z.enum(['none', 'latest', 'all']),
    catchupLimit: z.number().int(),
    paused: z.boolean(),
    source: z.enum(['code', 'api']),
    nextAt: z.string().optional(),
    lastTickAt: z.string().optional(),
    lastRunId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Schedule');

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    namespace: z.string().openapi({ description: "The key's own namespace" }),
    namespaces: z
      .array(z.string())
      .optional()
      .openapi({ description: "Further namespaces the key may act in (Baton-Namespace header); ['*'] for every namespace" }),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi('ApiKey', { description: 'An API key as listed: never its secret nor its hash.' });

/** A workflow the server knows (GET /api/workflows): its input, output and signals as JSON Schema, when declared. */
export const WorkflowSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    description: z.string().optional(),
    queue: z.string(),
    inputSchema: z.unknown().optional(),
    outputSchema: z.unknown().optional().openapi({ description: 'What a run of it returns, as JSON Schema' }),
    signals: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The signals its runs wait for, each with its data as JSON Schema' }),
    kind: z.string().optional().openapi({
      description:
        "For a workflow this server has no code for: where the store's catalog has it from ('code': a worker registered it; 'definition': a deployed definition)",
    }),
    lastSeenAt: z.string().optional().openapi({ description: 'For a workflow this server has no code for: when a worker that runs it last started' }),
  })
  .openapi('Workflow');
