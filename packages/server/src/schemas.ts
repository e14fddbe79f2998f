/** The API's response shapes (zod): they validate, document (OpenAPI) and type the client. */
import { z } from '@hono/zod-openapi';

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export const Name = z.string().min(1).max(200);

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
    continuedFrom: z.string().optional(),
    continuedTo: z.string().optional(),
    cancelRequested: z.boolean(),
    compensating: z.boolean(),
    wakeAt: z.string().optional(),
    waitingFor: z.object({ signals: z.array(z.string()), children: z.array(z.string()) }).optional(),
    claims: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
  })
  .openapi('Run');

export const JournalEntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    name: z.string(),
    status: z.enum(['completed', 'failed']),
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
    id: z.string(),
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
