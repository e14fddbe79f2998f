/** `baton worker`: an engine that executes runs started elsewhere, reporting each run's end. */
import { commonOptions, databasePath, defineCommand, positiveInteger, requiredWorkflowsPath, displayDatabase } from '../command.js';
import { runEngineProcess } from '../engine-process.js';
import { ALERTS_HELP, alertsFlags, readAlertsFile } from '../alerts-options.js';
import { BLOBS_HELP, blobsFlags } from '../blob-store.js';
import { NAMESPACE_HELP, namespaceFlags, namespaceOption } from '../namespace-option.js';
import { LEASE_HELP, leaseFlags, leaseOptions } from '../lease-options.js';
import { MCP_CONFIG_HELP, configureMcpServers, mcpConfigFlags } from '../mcp-config.js';
import { loadWorkflows, workflowNames } from '../load-workflows.js';
import { DSL_HELP, dslFlags, interpreterOptions } from '../dsl-options.js';
import { eventLine, isRunEnd } from '../output.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'execute runs of the given workflows until stopped',
  help: `Usage: baton worker --workflows PATH [--db FILE] [--concurrency N] [--lease DURATION] [--heartbeat DURATION] [--mcp-config FILE] [--namespace NS]

Executes runs of the workflows exported by PATH (a .ts or .js module) from the database, alongside
any number of other workers. Prints one line per run that ends. SIGTERM or SIGINT stops it gracefully:
running runs finish or are released to other workers; a second signal exits at once.

Options:
  --workflows PATH      module exporting the workflows, definition files (.yaml, .yml, .json) or folders of
                        them, several separated by commas (default: $BATON_WORKFLOWS). Definitions deployed
                        into the database (baton deploy) load too, without a restart
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  --concurrency N       runs executed at once (default 100)
${LEASE_HELP}
${MCP_CONFIG_HELP}
${DSL_HELP}
${ALERTS_HELP}
${BLOBS_HELP}
${NAMESPACE_HELP}
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
  },
  async run({ values }, io) {
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 'worker');
    const lease = leaseOptions(values, io, 'worker');
    const interpreter = interpreterOptions(values, io, 'worker');
    await configureMcpServers(values, io, 'worker');
    const loaded = await loadWorkflows(requiredWorkflowsPath(values.workflows, io, 'worker'), { interpreter });
    const dbPath = databasePath(values.db, io);
    const alerts = await readAlertsFile(values.alerts, 'worker');
    const namespace = namespaceOption(values.namespace, io, 'worker');
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
      durability: undefined,
      logger: undefined,
      onEvent: (event) => {
        if (isRunEnd(event)) io.out(eventLine(event, new Date()));
      },
      banner: `baton worker: ${workflowNames(loaded.workflows).join(', ')} on ${displayDatabase(dbPath)}`,
    });
  },
});
