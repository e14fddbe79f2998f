/**
 * The long-running side of the CLI (`baton dev`, `baton worker`): an engine on the database until
 * SIGINT or SIGTERM, then a graceful stop (running runs finish or are released, never lost). A
 * second signal exits at once, for when a step will not end.
 */
import { constants } from 'node:os';
import { Engine, errorMessage, type AlertsFile, type Durability, type EngineEvent, type Logger } from '@baton/core';
import { DefinitionLoader, PLANNER_WORKFLOW, catalogFromStore, plannerWorkflow, type InterpreterOptions } from '@baton/dsl';
import { closeMcpConnections } from '@baton/mcp';
import { createJsonSchemaValidator, logUnexpectedErrors, startApiServer, type A2aOptions, type ApiServer, type WebhookDefinition } from '@baton/server';
import type { Io } from './command.js';
import { dashboardOption } from './dashboard.js';
import type { LoadedWorkflows } from './load-workflows.js';
import type { LeaseOptions } from './lease-options.js';
import { jsonLogger } from './logging.js';
import { openStore, simulationStore } from './store.js';
import { blobSettings, describeBlobs } from './blob-store.js';
import { StoreBackend } from './backend/store-backend.js';
import { startTracing } from './tracing.js';
import { alertEmitter, processAlerts } from './alerts-options.js';

export interface EngineProcessOptions {
  dbPath: string;
  loaded: LoadedWorkflows;
  concurrency: number | undefined;
  durability: Durability | undefined;
  /** --lease and --heartbeat (see lease-options.ts). */
  lease: LeaseOptions;
  /** Default: JSON lines on stderr at BATON_LOG_LEVEL (see logging.ts). */
  logger: Logger | undefined;
  onEvent(event: EngineEvent): void;
  /** Called once the engine runs; stopping does not wait for it. */
  afterStart?(engine: Engine): void;
  /** Printed once the engine runs. */
  banner: string;
  /** How definitions run here (files given to --workflows and versions deployed into the database). */
  interpreter?: InterpreterOptions;
  /** Also stops when this settles, saying why (`baton mcp`: its client closed stdin). */
  stopWhen?: Promise<string>;
  /** Serve the HTTP API from this process (`baton dev`), with an A2A agent when `a2a` is given. */
  api?: { port: number; host: string; mcp?: boolean; a2a?: A2aOptions };
  /** --alerts: the rules to load and evaluate, and the channels engines notify through. */
  alerts?: AlertsFile;
  /** --blobs: where payloads over the blob threshold go (else $BATON_BLOBS, else the default). */
  blobs?: string;
  /** --namespace: where the workflows' own schedules and event triggers live (default: default). */
  namespace?: string;
  io: Io;
}

export async function runEngineProcess(options: EngineProcessOptions): Promise<number> {
  const { io } = options;
  const logger = options.logger ?? jsonLogger(io.env);
  const tracing = startTracing(io.env);
  // The blob store first: a wrong spec or an unreachable bucket fails the start before the database is opened.
  const blobs = await blobSettings(options.dbPath, io.env, options.blobs);
  const store = await openStore(options.dbPath, { mustExist: false });
  const stopSignal = listenForStop(io);
  try {
    // Planning (POST /api/plans, the dashboard) runs on engines like this one, against what this process and its database have.
    // A module that brings its own planner (another catalog) keeps it.
    const planner = options.loaded.workflows.some((w) => w.name === PLANNER_WORKFLOW)
      ? []
      : [plannerWorkflow({ catalog: () => catalogFromStore(store, { workflows: engine.workflows }) })];
    const alerts = options.alerts === undefined ? undefined : processAlerts(options.alerts, { store, logger, emit: alertEmitter(() => engine.client) });
    const engine: Engine = new Engine({
      store,
      workflows: [...options.loaded.workflows, ...planner],
      jsonSchemaValidator: createJsonSchemaValidator(),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.durability === undefined ? {} : { durability: options.durability }),
      ...options.lease,
      ...blobs,
      logger,
      ...(alerts === undefined ? {} : { notifier: alerts.notifier }),
    });
    engine.subscribe((event) => options.onEvent(event));
    options.loaded.useRegistry(engine.workflows);
    await engine.start();
    // Definitions deployed into the database (baton deploy, POST /api/definitions) load without a restart.
    const definitions = new DefinitionLoader({ engine, logger, ...(options.interpreter === undefined ? {} : { interpreter: options.interpreter }) });
    await definitions.start();
    if (alerts !== undefined) {
      await alerts.start();
      io.out(`Alerts: ${options.alerts?.rules.length ?? 0} rules from the alerts file, channels: ${alerts.channels.join(', ') || 'none'}`);
    }
    io.out(options.banner);
    io.out(`Blob store: ${describeBlobs(blobs)}`);
    let api: ApiServer | undefined;
    if (options.api !== undefined) {
      const dashboard = dashboardOption();
      try {
        api = await startApiServer({
          client: engine.client,
          store,
          workflows: engine.workflows,
          webhooks: options.loaded.webhooks,
          metrics: { engine },
          ...(blobs.blobs === undefined ? {} : { blobs: blobs.blobs }),
          simulationStore,
          // A deploy through this server loads at once (other workers see it at their next poll).
          definitions: {
            onDeployed: () => void definitions.refresh().catch((error: unknown) => logger.warn({ err: error }, 'loading a deployed definition failed')),
          },
          // Every unexpected failure of a request, with its stack and the request id its answer carries.
          onError: logUnexpectedErrors(logger),
          ...dashboard,
          port: options.api.port,
          host: options.api.host,
          mcp: options.api.mcp === false ? false : { logger },
          ...(options.api.a2a === undefined ? {} : { a2a: options.api.a2a }),
          ...(alerts === undefined ? {} : { alertChannels: alerts.channels }),
        });
        io.out(`API on ${api.url}/api (OpenAPI document: ${api.url}/api/openapi.json, reference: ${api.url}/api/docs)`);
        if (options.api.mcp !== false) io.out(`MCP (Streamable HTTP) on ${api.url}/mcp (send the API key as Authorization: Bearer <key>)`);
        if (dashboard.dashboard !== undefined) io.out(`Dashboard: ${api.url}/ (sign in with an API key)`);
        if (options.api.a2a !== undefined) io.out(a2aLine(api.url));
        for (const line of webhookLines(options.loaded.webhooks, api.url)) io.out(line);
        if ((await store.listApiKeys()).length === 0) {
          // First start: an admin key, shown this once (only its hash is stored).
          // Made as `baton keys create` makes keys: audited, by the user running the CLI.
          const keys = new StoreBackend(store);
          const { token } = await keys.createKey({ name: 'dev admin', role: 'admin' }).finally(() => keys.close());
          io.out(`Created an admin API key; it is shown only now: ${token}`);
          io.out(`  export BATON_KEY=${token}`);
          io.out(`  curl -H "Authorization: Bearer $BATON_KEY" ${api.url}/api/runs`);
        }
      } catch (error) {
        // The engine is what dev is for: it goes on without the API.
        io.err(`The API did not start on ${options.api.host}:${options.api.port}: ${errorMessage(error)} (use --port to pick another port).`);
      }
    }
    options.afterStart?.(engine);
    const stop = await Promise.race([
      stopSignal.requested.then((signal) => ({ signal })),
      ...(options.stopWhen === undefined ? [] : [options.stopWhen.then((reason) => ({ reason }))]),
    ]);
    if ('signal' in stop) io.out(`${stop.signal}: stopping; letting running runs finish (send ${stop.signal} again to exit at once)`);
    else io.out(`${stop.reason}: stopping; letting running runs finish (send SIGINT to exit at once)`);
    await api?.close();
    await alerts?.stop();
    definitions.stop();
    await engine.stop();
    io.out('stopped');
    return 0;
  } finally {
    stopSignal.dispose();
    // Stdio MCP servers the workflows called are child processes of this one: stop them.
    await closeMcpConnections();
    await store.close();
    await blobs.blobs?.close?.();
    await tracing?.shutdown();
  }
}

/** Where the A2A agent is served. */
export function a2aLine(url: string): string {
  return `A2A agent: card at ${url}/.well-known/agent-card.json, JSON-RPC at ${url}/a2a (an operator API key sends messages)`;
}

/** One line per webhook served, saying how deliveries are authenticated. */
export function webhookLines(webhooks: readonly WebhookDefinition[], url: string): string[] {
  return webhooks.map(
    (hook) =>
      `Webhook POST ${url}/hooks/${hook.name} starts ${hook.workflow} (${hook.secret === undefined ? 'unsigned: needs an operator API key' : 'HMAC-signed deliveries'})`,
  );
}

export interface StopListener {
  requested: Promise<NodeJS.Signals>;
  dispose(): void;
}

export function listenForStop(io: Io): StopListener {
  // Signal handlers alone do not keep Node alive, and the engine's own timers are unref'd.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  let resolveRequested: (signal: NodeJS.Signals) => void = () => {};
  const requested = new Promise<NodeJS.Signals>((resolve) => (resolveRequested = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      io.err(`${signal} again: exiting at once`);
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    stopping = true;
    resolveRequested(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    dispose() {
      clearInterval(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
