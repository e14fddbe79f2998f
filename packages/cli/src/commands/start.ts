/** `baton start`: the HTTP API alone (no engine), for servers behind a load balancer next to `baton worker`s. */
import { Client, PayloadCodec, WorkflowRegistry } from '@baton/core';
import { createJsonSchemaValidator, logUnexpectedErrors, startApiServer } from '@baton/server';
import { apiAddress, commonOptions, databasePath, defineCommand, displayDatabase, workflowsPath } from '../command.js';
import { a2aLine, listenForStop, webhookLines } from '../engine-process.js';
import { A2A_HELP, a2aFlags, a2aOptions } from '../a2a-options.js';
import { ALERTS_HELP, alertsFlags, alertEmitter, processAlerts, readAlertsFile } from '../alerts-options.js';
import { dashboardOption } from '../dashboard.js';
import { loadWorkflows } from '../load-workflows.js';
import { jsonLogger } from '../logging.js';
import { openStore, simulationStore } from '../store.js';
import { BLOBS_HELP, blobSettings, blobsFlags, describeBlobs } from '../blob-store.js';
import { startTracing } from '../tracing.js';

export const startCommand = defineCommand({
  name: 'start',
  summary: 'serve the HTTP API (no engine: workers run the runs)',
  help: `Usage: baton start [--db FILE|URL] [--port N] [--host H] [--workflows PATH] [--no-mcp] [--a2a WORKFLOWS] [--public-url URL]

Serves the HTTP API on the database, without running any workflow: start 'baton worker' processes
for that. Several servers can serve one PostgreSQL database behind a load balancer. Every route but
/api/health needs an API key (baton keys create). The workflows are also MCP tools at /mcp (Streamable
HTTP, with the same keys). Stops on Ctrl-C or SIGTERM.

Options:
  --db FILE|URL         database file or postgres:// URL (default: $BATON_DB, else .baton/baton.db)
  --port N              port (default: $BATON_PORT, else 7070; 0 picks a free one)
  --host H              address to listen on (default: $BATON_HOST, else 127.0.0.1: this machine only)
  --workflows PATH      module exporting the workflows (default: $BATON_WORKFLOWS): their input schemas are published,
                        starts are checked against them, and the webhooks it exports are served at POST /hooks/NAME
  --no-mcp              do not serve the workflows as MCP tools at /mcp
${A2A_HELP}
${ALERTS_HELP}
${BLOBS_HELP}
  -h, --help            show this help`,
  options: {
    ...commonOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    workflows: { type: 'string' },
    'no-mcp': { type: 'boolean' },
    ...a2aFlags,
    ...alertsFlags,
    ...blobsFlags,
  },
  async run({ values }, io) {
    const { port, host } = apiAddress(values, io, 'start');
    // Unexpected request failures are logged here (JSON lines on stderr), with the request id the 500 carries.
    const logger = jsonLogger(io.env, 'start');
    const modulePath = workflowsPath(values.workflows, io);
    const loaded = modulePath === undefined ? undefined : await loadWorkflows(modulePath);
    const workflows = new WorkflowRegistry(loaded?.workflows ?? []);
    const a2a = a2aOptions(values, io, 'start', loaded?.workflows ?? []);
    const dbPath = databasePath(values.db, io);
    const alertsFile = await readAlertsFile(values.alerts, 'start');
    const tracing = startTracing(io.env);
    const blobs = await blobSettings(dbPath, io.env, values.blobs);
    const store = await openStore(dbPath, { mustExist: false });
    const stop = listenForStop(io);
    try {
      // Signals and inputs over the blob threshold go to the deployment's blob store, as workers' payloads do.
      const codec = new PayloadCodec(blobs);
      const client = new Client({ store, workflows, codec, jsonSchemaValidator: createJsonSchemaValidator() });
      const alerts = alertsFile === undefined ? undefined : processAlerts(alertsFile, { store, logger, emit: alertEmitter(() => client) });
      await alerts?.start();
      const dashboard = dashboardOption();
      const api = await startApiServer({
        client,
        store,
        workflows,
        webhooks: loaded?.webhooks ?? [],
        metrics: true,
        ...(blobs.blobs === undefined ? {} : { blobs: blobs.blobs }),
        simulationStore,
        onError: logUnexpectedErrors(logger),
        mcp: values['no-mcp'] === true ? false : { logger },
        port,
        host,
        ...(a2a === undefined ? {} : { a2a }),
        ...(alerts === undefined ? {} : { alertChannels: alerts.channels }),
        ...dashboard,
      });
      io.out(
        `baton start: API on ${api.url}/api for ${displayDatabase(dbPath)} (OpenAPI document: ${api.url}/api/openapi.json, reference: ${api.url}/api/docs)`,
      );
      if (values['no-mcp'] !== true) io.out(`MCP (Streamable HTTP) on ${api.url}/mcp (send the API key as Authorization: Bearer <key>)`);
      io.out(`Blob store: ${describeBlobs(blobs)}`);
      if (dashboard.dashboard !== undefined) io.out(`Dashboard: ${api.url}/ (sign in with an API key)`);
      if (a2a !== undefined) io.out(a2aLine(api.url));
      for (const line of webhookLines(loaded?.webhooks ?? [], api.url)) io.out(line);
      if ((await store.listApiKeys()).length === 0) io.out('No API key exists yet: make one with baton keys create --name NAME --role admin.');
      const signal = await stop.requested;
      io.out(`${signal}: stopping`);
      await api.close();
      await alerts?.stop();
      client.close();
      io.out('stopped');
      return 0;
    } finally {
      stop.dispose();
      await store.close();
      await blobs.blobs?.close?.();
      await tracing?.shutdown();
    }
  },
});
