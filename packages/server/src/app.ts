/**
 * The HTTP API as a Hono app: every route is declared with zod schemas, which validate requests and
 * generate the OpenAPI 3.1 document at /api/openapi.json. Payload values (inputs, outputs, signal and
 * event data) travel as Baton's typed JSON: plain JSON, with Dates, BigInts, Maps and the like as
 * `{ "$baton": tag, "v": value }`. This file composes the app: its middleware in order (request ids,
 * body limit, auth, storable text), then each resource's routes from routes/, then the document.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ErrorCode, type BlobStore, type Client, type Store, WorkflowRegistry } from '@baton/core';
import type { Context } from 'hono';
import { catalogFromStore } from '@baton/dsl';
import { authenticate } from './auth.js';
import { actingClient } from './acting.js';
import type { WebhookDefinition } from './webhooks.js';
import { ApiErrorCode, apiError, statusOf, validationError } from './errors.js';
import { errorHandler, type UnexpectedErrorListener } from './error-handler.js';
import { requestId } from './request-id.js';
import { storableText } from './request-text.js';
import { serveMetrics, type MetricsOptions } from './metrics.js';
import { auditRefusal, invalidFields } from './refusal-audit.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerWorkflowsRoute } from './routes/workflows.js';
import { registerMigrationRoute } from './routes/migrations.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerReplayRoutes } from './routes/replays.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerEventRoutes } from './routes/events.js';
import { registerScheduleRoutes } from './routes/schedules.js';
import { registerWebhookRoute } from './routes/webhooks.js';
import { registerDocsRoute } from './routes/docs.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerAuditRoute } from './routes/audit.js';
import { registerCostsRoute } from './routes/costs.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerStreamRoute, type StreamOptions } from './routes/stream.js';
import { registerMeRoute } from './routes/me.js';
import { registerOverviewRoute } from './routes/overview.js';
import { registerInboxRoutes } from './routes/inbox.js';
import { registerReviewRoutes } from './routes/reviews.js';
import { registerTriggersRoute } from './routes/triggers.js';
import { registerRecentEventsRoute } from './routes/recent-events.js';
import { registerScheduleRunRoutes } from './routes/schedule-runs.js';
import { registerDefinitionGraphRoute } from './routes/definition-graph.js';
import { registerDefinitionRoutes, type DefinitionRouteOptions } from './routes/definitions.js';
import { visibleDefinitionName } from './routes/definition-scope.js';
import { registerPlanRoutes } from './routes/plans.js';
import { registerSimulationRoute } from './routes/simulations.js';
import { registerDashboardRoute, type DashboardOptions } from './routes/dashboard.js';
import { registerA2aRoutes, type A2aOptions } from './routes/a2a.js';
import { registerMcpRoute, type McpRouteOptions } from './routes/mcp.js';
import { registerBlobRoutes } from './routes/blobs.js';

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
  /** The notification channels alert rules may name (the alerts file's); undefined: any name. */
  alertChannels?: readonly string[];
  /** Webhooks served at POST /hooks/:name (see defineWebhook). */
  webhooks?: WebhookDefinition[];
  /** Largest request body, in bytes. Default 1 MiB (uploads to POST /api/blobs have maxBlobBytes). */
  maxBodyBytes?: number;
  /** Where large payloads live: uploads (POST /api/blobs) and downloads. Without one, the blob routes answer 404 BATON_BLOB_STORE_MISSING. */
  blobs?: BlobStore;
  /** Largest upload to POST /api/blobs, in bytes. Default 1 GiB. */
  maxBlobBytes?: number;
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
   * Serve the workflows as an A2A agent (routes/a2a.ts): its card at GET /.well-known/agent-card.json
   * and JSON-RPC at POST /a2a. Needs `workflows`.
   */
  a2a?: A2aOptions;
  /**
   * The Model Context Protocol at /mcp (Streamable HTTP, see routes/mcp.ts): the workflows of
   * `workflows` and of the store's catalog as tools, for the API key of each session. On by default;
   * false turns it off.
   */
  mcp?: McpRouteOptions | false;
}

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
  const limitBody = bodyLimit({
    maxSize: options.maxBodyBytes ?? 1024 * 1024,
    onError: (c) => c.json(apiError(ApiErrorCode.BodyTooLarge, `The request body is over ${options.maxBodyBytes ?? 1024 * 1024} bytes.`), 413),
  });
  // Uploads stream into the blob store, which enforces their own limit (maxBlobBytes).
  app.use('*', (c, next) => (c.req.method === 'POST' && c.req.path === '/api/blobs' ? next() : limitBody(c, next)));

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
  const a2a =
    options.a2a === undefined
      ? undefined
      : registerA2aRoutes(app, {
          client,
          store: options.store,
          workflows: options.workflows ?? new WorkflowRegistry(),
          auth: options.auth !== false,
          a2a: options.a2a,
          onError: options.onError,
        });
  if (options.dashboard !== undefined) registerDashboardRoute(app, options.dashboard);

  app.onError(errorHandler(options.onError, (c, code) => auditRefusal(options.store, c, code, { auth: options.auth !== false })));
  app.notFound((c) => c.json(apiError(ApiErrorCode.NotFound, `No route ${c.req.method} ${c.req.path}.`), statusOf(ApiErrorCode.NotFound)));

  registerHealthRoutes(app, client);
  registerWorkflowsRoute(app, options.store, options.workflows);
  registerRunRoutes(app, acting);
  registerReplayRoutes(app, acting);
  registerQuotaRoutes(app, acting);
  registerMigrationRoute(app, acting);
  registerEventRoutes(app, client, acting);
  registerScheduleRoutes(app, client, acting, options.workflows);
  registerWebhookRoute(app, options.webhooks ?? [], { client, store: options.store, auth: options.auth !== false, acting });
  registerKeyRoutes(app, options.store);
  registerAuditRoute(app, options.store);
  registerCostsRoute(app, options.store);
  registerPolicyRoutes(app, options.store);
  registerAlertRoutes(app, options.store, options.alertChannels === undefined ? {} : { channels: options.alertChannels });
  registerStreamRoute(app, options.store, options.stream);
  registerMeRoute(app);
  registerOverviewRoute(app, options.store);
  registerInboxRoutes(app, client, options.workflows);
  registerReviewRoutes(app, acting);
  registerTriggersRoute(app, options.store, options.webhooks ?? []);
  registerRecentEventsRoute(app, acting);
  registerScheduleRunRoutes(app, client, acting);
  registerDefinitionGraphRoute(
    app,
    async (name, version, namespace) => {
      const visible = await visibleDefinitionName(options.store, name, namespace);
      const stored = visible === undefined ? undefined : await options.store.getDefinition(visible, version);
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
  registerBlobRoutes(app, options.blobs, options.maxBlobBytes === undefined ? {} : { maxBlobBytes: options.maxBlobBytes });

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Baton API', version: '0.1.0', description: 'Durable workflow orchestration: runs, events, schedules and deployed definitions.' },
  });
  return {
    app,
    close: async () => {
      a2a?.close();
      await mcp?.close();
    },
  };
}
