/**
 * `baton mcp`: serves the workflows of --workflows as MCP tools over stdio, for MCP clients (desktop
 * assistants, editors) that start it as a subprocess. Stdout carries the protocol alone: every line
 * the command would print (its banner, the engine's log) goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { Client, PayloadCodec, errorMessage, type Engine, type Store } from '@baton/core';
import { createMcpServer, type ChangeFeed } from '@baton/mcp';
import { createJsonSchemaValidator } from '@baton/server';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { commonOptions, databasePath, defineCommand, displayDatabase, positiveInteger, requiredWorkflowsPath, type Io } from '../command.js';
import { DSL_HELP, dslFlags, interpreterOptions } from '../dsl-options.js';
import { BLOBS_HELP, blobSettings, blobsFlags } from '../blob-store.js';
import { listenForStop, runEngineProcess } from '../engine-process.js';
import { jsonLogger } from '../logging.js';
import { LEASE_HELP, leaseFlags, leaseOptions } from '../lease-options.js';
import { MCP_CONFIG_HELP, configureMcpServers, mcpConfigFlags } from '../mcp-config.js';
import { loadWorkflows, workflowNames } from '../load-workflows.js';
import { openStore } from '../store.js';

export const mcpCommand = defineCommand({
  name: 'mcp',
  summary: 'serve the workflows as MCP tools over stdio',
  help: `Usage: baton mcp --workflows PATH [--db FILE|URL] [--no-worker] [--wait SECONDS] [--mcp-config FILE] [--blobs SPEC]

Serves the Model Context Protocol on stdin/stdout for an MCP client that starts this command: each
workflow of PATH is a tool that starts a run and answers with its output (or, when the run takes
longer than --wait, with its run id), beside the tools get_run, wait_run, list_waiting_runs,
send_signal and cancel_run.
Runs and their journals are resources too (baton://runs/{id}, baton://runs/{id}/journal) that a
client may read and subscribe to.
Runs execute in an engine in this process on the database, unless --no-worker. Logs go to stderr.
Stops when the client closes stdin, or on SIGINT/SIGTERM.

Options:
  --workflows PATH      module exporting the workflows, definition files (.yaml, .yml, .json) or folders of
                        them, several separated by commas (default: $BATON_WORKFLOWS)
  --db FILE|URL         database file or postgres:// URL (default: $BATON_DB, else .baton/baton.db)
  --no-worker           run no engine here: start runs for the workers already on the database
  --wait SECONDS        how long a workflow tool waits for its run before answering with the run id (default 20)
  --concurrency N       runs executed at once (default 100)
${LEASE_HELP}
${MCP_CONFIG_HELP}
${DSL_HELP}
${BLOBS_HELP}
  -h, --help            show this help`,
  options: {
    ...commonOptions,
    workflows: { type: 'string' },
    'no-worker': { type: 'boolean' },
    wait: { type: 'string' },
    concurrency: { type: 'string' },
    ...leaseFlags,
    ...mcpConfigFlags,
    ...dslFlags,
    ...blobsFlags,
  },
  async run({ values }, processIo) {
    // Stdout is the protocol's: what the command says goes to stderr.
    const io: Io = { ...processIo, out: (line) => processIo.err(line) };
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 'mcp');
    const waitMs = (positiveInteger(values.wait, '--wait', 'mcp') ?? 20) * 1000;
    const lease = leaseOptions(values, io, 'mcp');
    const interpreter = interpreterOptions(values, io, 'mcp');
    await configureMcpServers(values, io, 'mcp');
    const loaded = await loadWorkflows(requiredWorkflowsPath(values.workflows, io, 'mcp'), { interpreter });
    const dbPath = databasePath(values.db, io);
    const banner = `baton mcp: ${workflowNames(loaded.workflows).join(', ')} on ${displayDatabase(dbPath)}`;
    const closed = stdinClosed();
    let server: ReturnType<typeof createMcpServer> | undefined;
    const serve = (client: Client, workflows: Engine['workflows'] | typeof loaded.workflows, changes: ChangeFeed, catalog?: Store): void => {
      // Without a worker here, the workflows that workers elsewhere registered (and deployed definitions) are tools too.
      server = createMcpServer({
        client,
        workflows,
        changes,
        ...(catalog === undefined ? {} : { store: catalog }),
        waitMs,
        info: { name: 'baton', version: cliVersion() },
        logger: jsonLogger(processIo.env),
      });
      // A line on stdin that is not a JSON-RPC message is dropped by the transport unanswered: it is said on stderr.
      server.onerror = (error) => io.err(`baton mcp: MCP protocol error: ${errorMessage(error).slice(0, 500)}`);
      server.connect(new StdioServerTransport()).catch((error: unknown) => io.err(`baton mcp: the MCP transport failed: ${errorMessage(error)}`));
    };
    // Once stopped, stdin is let go so that the process can exit.
    const release = async (): Promise<void> => {
      await server?.close();
      process.stdin.destroy();
    };
    if (values['no-worker'] === true) {
      const blobs = await blobSettings(dbPath, io.env, values.blobs);
      const store = await openStore(dbPath, { mustExist: true });
      const stop = listenForStop(io);
      try {
        // Inputs and signals over the blob threshold go to the deployment's blob store, as workers' payloads do.
        const codec = new PayloadCodec(blobs);
        serve(new Client({ store, workflows: loaded.workflows, codec, jsonSchemaValidator: createJsonSchemaValidator() }), loaded.workflows, store, store);
        io.out(`${banner} (no worker)`);
        await Promise.race([stop.requested, closed]);
        return 0;
      } finally {
        stop.dispose();
        await release();
        await store.close();
        await blobs.blobs?.close?.();
      }
    }
    const code = await runEngineProcess({
      io,
      dbPath,
      loaded,
      concurrency,
      lease,
      interpreter,
      ...(values.blobs === undefined ? {} : { blobs: values.blobs }),
      durability: undefined,
      logger: undefined,
      onEvent: () => {},
      banner,
      stopWhen: closed,
      afterStart: (engine) => serve(engine.client, engine.workflows, engine.store),
    }).finally(release);
    return code;
  },
});

function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Settles when the MCP client closes our stdin (it has gone): time to stop. */
function stdinClosed(): Promise<string> {
  return new Promise((resolve) => {
    process.stdin.once('end', () => resolve('stdin closed'));
    process.stdin.once('close', () => resolve('stdin closed'));
  });
}
