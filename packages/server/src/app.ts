/**
 * The HTTP API as a Hono app: every route is declared with zod schemas, which validate requests and
 * generate the OpenAPI 3.1 document at /api/openapi.json. Payload values (inputs, outputs, signal and
 * event data) travel as Baton's typed JSON: plain JSON, with Dates, BigInts, Maps and the like as
 * `{ "$baton": tag, "v": value }`.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import {
  BatonError,
  ErrorCode,
  isWorkflow,
  runNotFound,
  scheduleNotFound,
  type Client,
  type EventInfo,
  type JournalEntryInfo,
  type RunInfo,
  type ScheduleInfo,
  type Store,
  type WorkflowRegistry,
} from '@baton/core';
import type { Context } from 'hono';
import { authenticate, authorize } from './auth.js';
import { actingClient } from './acting.js';
import { fromTypedJson, toTypedJson } from './typed-json.js';
import { checkSignature, type WebhookDefinition } from './webhooks.js';
import { EventSchema, JournalEntrySchema, Name, RUN_STATUSES, RunIdParam, RunSchema, ScheduleSchema, WorkflowSchema, json } from './schemas.js';
import { ApiErrorCode, ErrorSchema, apiError, statusOf, validationError } from './errors.js';
import { errorHandler, type UnexpectedErrorListener } from './error-handler.js';
import { requestId } from './request-id.js';
import { storableText } from './request-text.js';
import { cloudEventGate } from './cloud-events.js';
import { serveMetrics, type MetricsOptions } from './metrics.js';
import { registerDocsRoute } from './routes/docs.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerAuditRoute } from './routes/audit.js';
import { registerStreamRoute, type StreamOptions } from './routes/stream.js';
import { registerMeRoute } from './routes/me.js';
import { registerOverviewRoute } from './routes/overview.js';
import { registerInboxRoutes } from './routes/inbox.js';
import { registerTriggersRoute } from './routes/triggers.js';
import { registerRecentEventsRoute } from './routes/recent-events.js';
import { registerScheduleRunRoutes } from './routes/schedule-runs.js';
import { registerDefinitionGraphRoute } from './routes/definition-graph.js';
import { registerDefinitionRoutes, type DefinitionRouteOptions } from './routes/definitions.js';
import { registerPlanRoutes } from './routes/plans.js';
import { registerSimulationRoute } from './routes/simulations.js';
import { catalogFromStore } from '@baton/dsl';
import { signalSchemas } from './json-schema.js';
import { catalogWorkflows } from './catalog.js';
import { auditRefusal, invalidFields, vouchForHook } from './refusal-audit.js';
import { registerDashboardRoute, type DashboardOptions } from './routes/dashboard.js';
import { registerMcpRoute, type McpRouteOptions } from './routes/mcp.js';

export interface AppOptions {
  client: Client;
  /** Where API keys are looked up (the client's store). */
  store: Store;
  /**
   * Require an API key (`Authorization: Bearer <key>` or `X-API-Key`) on every route but
   * /api/health. Default true; false only for a server no one else can reach (tests, embedding).
   */
  auth?: boolean;
  /** The workflows this server knows (their input schemas are published). */
  workflows?: WorkflowRegistry;
  /** Webhooks served at POST /hooks/:name (see defineWebhook). */
  webhooks?: WebhookDefinition[];
  /** Largest request body, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Told of unexpected failures (5xx), with the request's id, method and path; the client gets
   * BATON_INTERNAL (or BATON_STORE_ERROR) and the id. Default: written to stderr.
   */
  onError?: UnexpectedErrorListener;
  /**
   * Serve Prometheus metrics at GET /metrics (a viewer key when auth is on): `true` for the gauges
   * read from the store, `{ engine }` to also count the runs of an engine in this process.
   */
  metrics?: boolean | MetricsOptions;
  /** Live updates at GET /api/stream (how often the feed is read, heartbeats). */
  stream?: StreamOptions;
  /** Serve the built dashboard at / (any other non-API GET gets its index.html). */
  dashboard?: DashboardOptions;
  /** Deployed definitions (see routes/definitions.ts): who hears of a deploy made through this server. */
  definitions?: DefinitionRouteOptions;
  /**
   * Opens a fresh, private store for one simulation (POST /api/simulations), closed after it: SQLite
   * `:memory:` in the CLI. Without it simulations answer 501 BATON_SIMULATION_UNAVAILABLE.
   */
  simulationStore?: () => Store | Promise<Store>;
  /** Simulations run at once (each a private engine and store); more answer 429 BATON_SIMULATIONS_BUSY. Default 4. */
  maxConcurrentSimulations?: number;
  /**
   * The Model Context Protocol at /mcp (Streamable HTTP, see routes/mcp.ts): the workflows of
   * `workflows` and of the store's catalog as tools, for the API key of each session. On by default;
   * false turns it off.
   */
  mcp?: McpRouteOptions | false;
}

/** A typed-JSON value from a request as the value it stands for; a malformed tag is bad input. */
function fromWire(value: unknown, what: string): unknown {
  if (value === undefined) return undefined;
  try {
    return fromTypedJson(value);
  } catch (error) {
    const reason = error instanceof RangeError ? 'it is nested too deeply (at most a few thousand levels)' : (error as Error).message;
    throw new BatonError('BATON_INVALID_ARGUMENT', `The ${what} is not valid typed JSON: ${reason}`, { retryable: false });
  }
}

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}

function runJson(run: RunInfo): z.infer<typeof RunSchema> {
  const out: Record<string, unknown> = {
    ...run,
    input: toTypedJson(run.input),
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
  if (run.output !== undefined) out.output = toTypedJson(run.output);
  if (run.progress !== undefined) out.progress = toTypedJson(run.progress);
  for (const key of ['wakeAt', 'startedAt', 'endedAt'] as const) if (run[key] !== undefined) out[key] = iso(run[key]);
  return out as z.infer<typeof RunSchema>;
}

function entryJson(entry: JournalEntryInfo): z.infer<typeof JournalEntrySchema> {
  const out: Record<string, unknown> = { ...entry, startedAt: entry.startedAt.toISOString(), endedAt: entry.endedAt.toISOString() };
  if (entry.input !== undefined) out.input = toTypedJson(entry.input);
  if (entry.output !== undefined) out.output = toTypedJson(entry.output);
  return out as z.infer<typeof JournalEntrySchema>;
}

function eventJson(event: EventInfo): z.infer<typeof EventSchema> {
  return { ...event, time: event.time.toISOString(), receivedAt: event.receivedAt.toISOString(), data: toTypedJson(event.data) };
}

function scheduleJson(s: ScheduleInfo): z.infer<typeof ScheduleSchema> {
  const out: Record<string, unknown> = { ...s, input: toTypedJson(s.input), createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
  for (const key of ['nextAt', 'lastTickAt'] as const) if (s[key] !== undefined) out[key] = iso(s[key]);
  return out as z.infer<typeof ScheduleSchema>;
}

const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflicts with the current state', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const ScheduleIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function createApp(options: AppOptions): OpenAPIHono {
  return buildApp(options).app;
}

/** The app, and what ends what it keeps open between requests (MCP sessions) when its server closes. */
export function buildApp(options: AppOptions): { app: OpenAPIHono; close(): Promise<void> } {
  const { client } = options;
  const acting = (c: Context): Client => actingClient(c, client);
  // What the deployment has (workflows with their schemas, declared functions): drafts are checked and simulated against it.
  const planningCatalog = () => catalogFromStore(options.store, options.workflows === undefined ? {} : { workflows: options.workflows });
  const app = new OpenAPIHono({
    defaultHook: async (result, c) => {
      if (result.success) return undefined;
      await auditRefusal(options.store, c, ErrorCode.InvalidArgument, { auth: options.auth !== false, detail: invalidFields(result.error.issues) });
      return c.json(validationError(result.error.issues, `${result.target}`), 400);
    },
  });

  app.use('*', requestId());
  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => c.json(apiError(ApiErrorCode.BodyTooLarge, `The request body is over ${options.maxBodyBytes ?? 1024 * 1024} bytes.`), 413),
    }),
  );

  if (options.auth !== false) app.use('/api/*', authenticate(options.store));
  app.use('/api/*', storableText());
  app.use('/hooks/*', storableText());
  if (options.metrics !== undefined && options.metrics !== false)
    serveMetrics(app, options.store, options.metrics === true ? {} : options.metrics, options.auth !== false);
  // Before the dashboard, whose pages answer every other GET.
  const mcp =
    options.mcp === false
      ? undefined
      : registerMcpRoute(app, { client, store: options.store, workflows: options.workflows, auth: options.auth !== false }, options.mcp);
  if (options.dashboard !== undefined) registerDashboardRoute(app, options.dashboard);

  app.onError(errorHandler(options.onError, (c, code) => auditRefusal(options.store, c, code, { auth: options.auth !== false })));
  app.notFound((c) => c.json(apiError(ApiErrorCode.NotFound, `No route ${c.req.method} ${c.req.path}.`), statusOf(ApiErrorCode.NotFound)));

  // ------------------------------------------------------------------ health

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

  // ------------------------------------------------------------------ workflows

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workflows',
      tags: ['workflows'],
      description:
        "The workflows this server has the code of, then those of the store's catalog it has not (registered by workers elsewhere: each one's current version).",
      responses: { 200: json(z.object({ workflows: z.array(WorkflowSchema) }), 'Known workflows') },
    }),
    async (c) => {
      const workflows = (options.workflows?.current() ?? []).filter(isWorkflow).map((w) => {
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
      workflows.push(...(await catalogWorkflows(options.store, new Set(workflows.map((w) => w.name)))));
      return c.json({ workflows }, 200);
    },
  );

  // ------------------------------------------------------------------ runs

  const StartRun = z
    .object({
      workflow: Name,
      input: z.unknown().optional(),
      id: z.string().min(1).max(200).optional(),
      queue: Name.optional(),
      priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
      tags: z.array(z.string().min(1).max(100)).max(20).optional().openapi({ description: 'Labels to find the run by; child runs inherit them.' }),
    })
    .openapi('StartRun');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs',
      tags: ['runs'],
      request: { body: body(StartRun) },
      responses: {
        201: json(z.object({ run: RunSchema, created: z.literal(true) }), 'Started'),
        200: json(z.object({ run: RunSchema, created: z.literal(false) }), 'A run with this id existed (idempotent start)'),
        ...errors,
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      const runs = acting(c);
      const handle = await runs.start(req.workflow, fromWire(req.input, 'input'), {
        ...(req.id === undefined ? {} : { id: req.id }),
        ...(req.queue === undefined ? {} : { queue: req.queue }),
        ...(req.priority === undefined ? {} : { priority: req.priority }),
        ...(req.tags === undefined ? {} : { tags: req.tags }),
      });
      const run = (await runs.get(handle.id))!;
      return handle.created ? c.json({ run: runJson(run), created: true as const }, 201) : c.json({ run: runJson(run), created: false as const }, 200);
    },
  );

  // `status=failed,cancelled` or `status=failed&status=cancelled`: runs with any of them.
  const StatusList = z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (typeof value === 'string' ? [value] : value).flatMap((text) => text.split(',')))
    .pipe(
      z
        .array(z.enum(RUN_STATUSES))
        .min(1)
        .max(RUN_STATUSES.length * 2),
    )
    .openapi({ type: 'string', example: 'failed,cancelled', description: `One status or several separated by commas: ${RUN_STATUSES.join(', ')}` });
  const ListRuns = z.object({
    workflow: Name.optional(),
    status: StatusList.optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    tag: z.string().min(1).max(100).optional().openapi({ description: 'Only runs with this tag' }),
    search: z.string().min(1).max(200).optional().openapi({ description: 'Only runs whose id or input contains this text (case-insensitive)' }),
    parentId: z.string().min(1).max(200).optional().openapi({ description: 'Only the child runs of this run' }),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(500).optional(),
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs',
      tags: ['runs'],
      request: { query: ListRuns },
      responses: { 200: json(z.object({ runs: z.array(RunSchema), nextCursor: z.string().optional() }), 'Runs, newest first'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await acting(c).list({
        ...(q.workflow === undefined ? {} : { workflow: q.workflow }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.createdAfter === undefined ? {} : { createdAfter: new Date(q.createdAfter) }),
        ...(q.createdBefore === undefined ? {} : { createdBefore: new Date(q.createdBefore) }),
        ...(q.tag === undefined ? {} : { tag: q.tag }),
        ...(q.search === undefined ? {} : { search: q.search }),
        ...(q.parentId === undefined ? {} : { parentId: q.parentId }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return c.json({ runs: page.runs.map(runJson), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{id}',
      tags: ['runs'],
      request: { params: RunIdParam },
      responses: { 200: json(z.object({ run: RunSchema, journal: z.array(JournalEntrySchema) }), 'The run and its journal'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await acting(c).inspect(id);
      if (found === undefined) throw runNotFound(id);
      return c.json({ run: runJson(found.run), journal: found.journal.map(entryJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs/{id}/signal',
      tags: ['runs'],
      description:
        "Stores a signal until the run consumes it. Data that fails the schema the run's workflow version declares for the signal is refused with 400 BATON_INVALID_SIGNAL (details.fields names each wrong field) and nothing is stored.",
      request: { params: RunIdParam, body: body(z.object({ name: Name, data: z.unknown().optional() }).openapi('Signal')) },
      responses: { 202: json(z.object({ accepted: z.literal(true) }), 'Stored for the run'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { name, data } = c.req.valid('json');
      await acting(c).signal(id, name, fromWire(data, 'data'));
      return c.json({ accepted: true as const }, 202);
    },
  );

  for (const action of ['cancel', 'retry', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/runs/{id}/${action}`,
        tags: ['runs'],
        request: {
          params: RunIdParam,
          ...(action === 'cancel'
            ? { body: { required: false, content: { 'application/json': { schema: z.object({ reason: z.string().max(1000).optional() }) } } } }
            : {}),
        },
        responses: { 200: json(z.object({ run: RunSchema }), `The run after ${action}`), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const run =
          action === 'cancel'
            ? await acting(c).cancel(id, ((await c.req.json().catch(() => ({}))) as { reason?: string }).reason)
            : action === 'retry'
              ? await acting(c).retry(id)
              : await acting(c).resume(id);
        return c.json({ run: runJson(run) }, 200);
      },
    );
  }

  // ------------------------------------------------------------------ events

  const EmitEvent = z
    .union([
      z.object({ specversion: z.literal('1.0'), id: z.string(), source: z.string(), type: z.string() }).loose(),
      z.object({
        type: Name,
        data: z.unknown().optional(),
        id: z.string().min(1).max(500).optional(),
        source: z.string().min(1).max(500).optional(),
        subject: z.string().min(1).max(500).optional(),
        time: z.iso.datetime({ offset: true }).optional(),
      }),
    ])
    .openapi('EmitEvent', {
      description:
        'A CloudEvents 1.0 event in structured JSON (sent as application/cloudevents+json, or with a specversion: specversion, id, source and type are required), or { type, data, id?, source?, subject?, time? }',
    });
  app.use('/api/events', cloudEventGate());
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/events',
      tags: ['events'],
      request: { body: body(EmitEvent) },
      responses: {
        201: json(z.object({ event: EventSchema, created: z.literal(true) }), 'Stored'),
        200: json(z.object({ event: EventSchema, created: z.literal(false) }), 'Already stored (same source and id)'),
        ...errors,
      },
    }),
    async (c) => {
      const req = c.req.valid('json') as Record<string, unknown>;
      const stored =
        req.specversion !== undefined
          ? await acting(c).events.emitCloudEvent(req)
          : await acting(c).events.emit(req.type as string, fromWire(req.data, 'data'), {
              ...(req.id === undefined ? {} : { id: req.id as string }),
              ...(req.source === undefined ? {} : { source: req.source as string }),
              ...(req.subject === undefined ? {} : { subject: req.subject as string }),
              ...(req.time === undefined ? {} : { time: new Date(req.time as string) }),
            });
      const { created, ...event } = stored;
      return created ? c.json({ event: eventJson(event), created: true as const }, 201) : c.json({ event: eventJson(event), created: false as const }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/events',
      tags: ['events'],
      request: {
        query: z.object({
          type: Name.optional(),
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
      },
      responses: { 200: json(z.object({ events: z.array(EventSchema) }), 'The event log, in order'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const events = await client.events.list({
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      });
      return c.json({ events: events.map(eventJson) }, 200);
    },
  );

  // ------------------------------------------------------------------ schedules

  const CreateSchedule = z
    .object({
      id: Name,
      workflow: Name,
      cron: z.string().min(1).max(200),
      timezone: z.string().min(1).max(100).optional(),
      input: z.unknown().optional(),
      overlap: z.enum(['skip', 'buffer', 'allow']).optional(),
      catchup: z.enum(['none', 'latest', 'all']).optional(),
      catchupLimit: z.number().int().min(1).max(10_000).optional(),
      paused: z.boolean().optional(),
    })
    .openapi('CreateSchedule');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/schedules',
      tags: ['schedules'],
      responses: { 200: json(z.object({ schedules: z.array(ScheduleSchema) }), 'Schedules') },
    }),
    async (c) => c.json({ schedules: (await client.schedules.list()).map(scheduleJson) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/schedules',
      tags: ['schedules'],
      request: { body: body(CreateSchedule) },
      responses: { 201: json(z.object({ schedule: ScheduleSchema }), 'Created'), ...errors },
    }),
    async (c) => {
      const req = c.req.valid('json');
      const workflow = options.workflows?.get(req.workflow) ?? req.workflow;
      const schedule = await acting(c).schedules.create({ ...req, input: fromWire(req.input, 'input'), workflow } as Parameters<
        Client['schedules']['create']
      >[0]);
      return c.json({ schedule: scheduleJson(schedule) }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      request: { params: ScheduleIdParam },
      responses: { 200: json(z.object({ schedule: ScheduleSchema }), 'The schedule'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const schedule = await client.schedules.get(id);
      if (schedule === undefined) throw scheduleNotFound(id);
      return c.json({ schedule: scheduleJson(schedule) }, 200);
    },
  );
  const UpdateSchedule = z
    .object({
      cron: z.string().min(1).max(200).optional(),
      timezone: z.string().min(1).max(100).optional(),
      input: z.unknown().optional(),
      overlap: z.enum(['skip', 'buffer', 'allow']).optional(),
      catchup: z.enum(['none', 'latest', 'all']).optional(),
      catchupLimit: z.number().int().min(1).max(10_000).optional(),
    })
    .openapi('UpdateSchedule', { description: 'The fields to change; those left out stay as they are.' });
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      description:
        'Changes a schedule made through the API. It stays paused or running and keeps its last tick; a new cron or time zone ticks next at its first tick after now. A schedule declared in workflow code is changed in the code (400).',
      request: { params: ScheduleIdParam, body: body(UpdateSchedule) },
      responses: { 200: json(z.object({ schedule: ScheduleSchema }), 'The schedule after the change'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const req = c.req.valid('json');
      const changes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(req)) if (value !== undefined) changes[key] = key === 'input' ? fromWire(value, 'input') : value;
      const schedule = await acting(c).schedules.update(id, changes);
      return c.json({ schedule: scheduleJson(schedule) }, 200);
    },
  );
  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/schedules/{id}/${action}`,
        tags: ['schedules'],
        request: { params: ScheduleIdParam },
        responses: { 200: json(z.object({ schedule: ScheduleSchema }), `The schedule after ${action}`), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const schedule = action === 'pause' ? await acting(c).schedules.pause(id) : await acting(c).schedules.resume(id);
        return c.json({ schedule: scheduleJson(schedule) }, 200);
      },
    );
  }
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/schedules/{id}',
      tags: ['schedules'],
      request: { params: ScheduleIdParam },
      responses: { 200: json(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errors },
    }),
    async (c) => {
      await acting(c).schedules.delete(c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );

  // ------------------------------------------------------------------ webhooks

  const hooks = new Map((options.webhooks ?? []).map((hook) => [hook.name, hook]));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/hooks/{name}',
      tags: ['webhooks'],
      description:
        'Starts the workflow bound to the hook with the JSON body as input. A hook with a secret needs X-Baton-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; one without needs an operator key.',
      request: {
        params: z.object({
          name: z
            .string()
            .min(1)
            .max(100)
            .openapi({ param: { name: 'name', in: 'path' } }),
        }),
      },
      responses: {
        202: json(z.object({ runId: z.string(), created: z.boolean() }), 'Started (or, for a repeated delivery, already started)'),
        401: json(ErrorSchema, 'Bad or missing signature or key'),
        ...errors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const hook = hooks.get(name);
      if (hook === undefined) throw new BatonError(ApiErrorCode.NotFound, `No webhook '${name}'.`, { retryable: false });
      const raw = await c.req.text();
      let id: string | undefined;
      let starter = client.as({ id: `hook:${hook.name}` });
      if (hook.secret === undefined) {
        const refused = options.auth === false ? undefined : await authorize(options.store, c, 'operator');
        if (refused !== undefined) return refused as never;
        starter = acting(c);
      } else {
        const check = checkSignature(hook, c.req.header('x-baton-signature'), raw, Date.now());
        if (!check.ok) throw new BatonError(ApiErrorCode.WebhookSignature, check.reason, { retryable: false });
        vouchForHook(c, hook.name);
        id = `hook-${hook.name}-${check.deliveryId}`;
      }
      let input: unknown;
      try {
        input = raw.length === 0 ? undefined : (JSON.parse(raw) as unknown);
      } catch {
        throw new BatonError(ApiErrorCode.InvalidJson, 'The request body is not valid JSON.', { retryable: false });
      }
      const handle = await starter.start(hook.workflow, input, id === undefined ? {} : { id });
      return c.json({ runId: handle.id, created: handle.created }, 202);
    },
  );

  registerKeyRoutes(app, options.store);
  registerAuditRoute(app, options.store);
  registerStreamRoute(app, options.store, options.stream);
  registerMeRoute(app);
  registerOverviewRoute(app, options.store);
  registerInboxRoutes(app, client, options.workflows);
  registerTriggersRoute(app, options.store, options.webhooks ?? []);
  registerRecentEventsRoute(app, acting);
  registerScheduleRunRoutes(app, client, acting);
  registerDefinitionGraphRoute(
    app,
    async (name, version) => {
      const stored = await options.store.getDefinition(name, version);
      return stored === undefined ? undefined : (JSON.parse(stored.document) as { do?: unknown });
    },
    planningCatalog,
  );
  registerDefinitionRoutes(app, options.store, options.definitions);
  registerPlanRoutes(app, acting);
  registerSimulationRoute(app, {
    catalog: planningCatalog,
    ...(options.simulationStore === undefined ? {} : { simulationStore: options.simulationStore }),
    ...(options.maxConcurrentSimulations === undefined ? {} : { maxConcurrent: options.maxConcurrentSimulations }),
  });
  registerDocsRoute(app);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Baton API', version: '0.1.0', description: 'Durable workflow orchestration: runs, events, schedules and deployed definitions.' },
  });
  return { app, close: async () => mcp?.close() };
}
