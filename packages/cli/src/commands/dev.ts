/** `baton dev`: an engine on the local database that prints one line per engine event. */
import { errorMessage } from '@baton/core';
import { apiAddress, commonOptions, databasePath, defineCommand, oneOf, positiveInteger, requiredWorkflowsPath, displayDatabase } from '../command.js';
import { runEngineProcess } from '../engine-process.js';
import { ALERTS_HELP, alertsFlags, readAlertsFile } from '../alerts-options.js';
import { BLOBS_HELP, blobsFlags } from '../blob-store.js';
import { NAMESPACE_HELP, namespaceFlags, namespaceOption } from '../namespace-option.js';
import { LEASE_HELP, leaseFlags, leaseOptions } from '../lease-options.js';
import { MCP_CONFIG_HELP, configureMcpServers, mcpConfigFlags } from '../mcp-config.js';
import { loadWorkflows, workflowNames } from '../load-workflows.js';
import { DSL_HELP, dslFlags, interpreterOptions } from '../dsl-options.js';
import { clockTime, eventLine } from '../output.js';
import { A2A_HELP, a2aFlags, a2aOptions } from '../a2a-options.js';

export const devCommand = defineCommand({
  name: 'dev',
  summary: 'run an engine locally and print what every run does',
  help: `Usage: baton dev [--db FILE] [--workflows PATH] [--concurrency N] [--lease DURATION] [--heartbeat DURATION] [--durability strict|batched] [--mcp-config FILE] [--namespace NS] [--port N] [--host H] [--no-mcp] [--a2a WORKFLOWS] [--public-url URL] [--demo]

Runs an engine on the database with the workflows of PATH (a .ts or .js module; TypeScript needs no
build), serves the HTTP API (with the webhooks PATH exports at POST /hooks/NAME, and the workflows as
MCP tools at /mcp), and prints one line
per engine event. Stops gracefully on Ctrl-C (press
it twice to exit at once).

Options:
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  --workflows PATH      module exporting the workflows, definition files (.yaml, .yml, .json) or folders of
                        them, several separated by commas (default: $BATON_WORKFLOWS). Definitions deployed
                        into the database (baton deploy) load too, without a restart
  --concurrency N       runs executed at once (default 100)
${LEASE_HELP}
${MCP_CONFIG_HELP}
${DSL_HELP}
${ALERTS_HELP}
${BLOBS_HELP}
${NAMESPACE_HELP}
  --durability MODE     strict (each step committed before the next) or batched (default strict)
  --port N              HTTP API port (default: $BATON_PORT, else 7070; 0 picks a free one)
  --host H              address the API listens on (default: $BATON_HOST, else 127.0.0.1: this machine only)
  --no-mcp              do not serve the workflows as MCP tools at /mcp
${A2A_HELP}
  --demo                call the module's exported demo({ client, engine, log }) once the engine runs
  -h, --help            show this help`,
  options: {
    ...commonOptions,
    workflows: { type: 'string' },
    concurrency: { type: 'string' },
    ...leaseFlags,
    ...mcpConfigFlags,
    ...dslFlags,
    ...alertsFlags,
    ...blobsFlags,
    ...namespaceFlags,
    durability: { type: 'string' },
    demo: { type: 'boolean' },
    'no-mcp': { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    ...a2aFlags,
  },
  async run({ values }, io) {
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 'dev');
    const lease = leaseOptions(values, io, 'dev');
    const durability = oneOf(values.durability, ['strict', 'batched'], '--durability', 'dev');
    const interpreter = interpreterOptions(values, io, 'dev');
    await configureMcpServers(values, io, 'dev');
    const loaded = await loadWorkflows(requiredWorkflowsPath(values.workflows, io, 'dev'), { interpreter });
    const dbPath = databasePath(values.db, io);
    const alerts = await readAlertsFile(values.alerts, 'dev');
    const namespace = namespaceOption(values.namespace, io, 'dev');
    const { port, host } = apiAddress(values, io, 'dev');
    const a2a = a2aOptions(values, io, 'dev', loaded.workflows);
    const log = (line: string): void => io.out(`${clockTime(new Date())} ${line}`);
    return runEngineProcess({
      io,
      dbPath,
      loaded,
      concurrency,
      lease,
      interpreter,
      ...(alerts === undefined ? {} : { alerts }),
      ...(values.blobs === undefined ? {} : { blobs: values.blobs }),
      ...(namespace === undefined ? {} : { namespace }),
      durability,
      logger: undefined,
      onEvent: (event) => io.out(eventLine(event, new Date())),
      api: { port, host, mcp: values['no-mcp'] !== true, ...(a2a === undefined ? {} : { a2a }) },
      banner: `baton dev: ${workflowNames(loaded.workflows).join(', ')} on ${displayDatabase(dbPath)} (Ctrl-C to stop)`,
      afterStart(engine) {
        if (values.demo !== true) return;
        if (loaded.demo === undefined) {
          log(`${loaded.path} exports no demo function; nothing to run for --demo`);
          return;
        }
        loaded.demo({ client: engine.client, engine, log }).catch((error: unknown) => {
          if (engine.running) log(`demo failed: ${errorMessage(error)}`);
        });
      },
    });
  },
});
