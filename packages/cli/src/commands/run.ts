/**
 * `baton run`: starts a run by workflow name (workers elsewhere execute it), optionally waiting for
 * it; or, given a definition file, runs it in an engine of its own (see run-definition.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError, ErrorCode, errorMessage, isBatonError } from '@baton/core';
import { databasePath, defineCommand, jsonArgument, positiveInteger, workflowsPath } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';
import type { Backend } from '../backend/backend-types.js';
import { CliError, CliErrorCode, UsageError } from '../errors.js';
import { loadWorkflows, workflowNames, type LoadedWorkflows } from '../load-workflows.js';
import { toJson } from '../output.js';
import { isDefinitionFile } from '../definition-files.js';
import { DSL_HELP, dslFlags, interpreterOptions } from '../dsl-options.js';
import { jsonLogger } from '../logging.js';
import { runDefinitionFile } from '../run-definition.js';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'start a run of a workflow',
  help: `Usage: baton run WORKFLOW [--input JSON] [--id ID] [--tag T]... [--wait [--timeout MS]] [--workflows PATH]
       [--db FILE | --url URL --key KEY]
       baton run FILE.yaml|FILE.json [--input JSON] [--timeout MS] [--db FILE] [--workflows PATH] [--dsl-host HOST=URL]...

Starts a run of WORKFLOW and prints its id. Workers (baton worker, baton dev) execute it. A workflow
no worker has registered on the database (each worker registers its workflows when it starts) is
refused with BATON_WORKFLOW_NOT_FOUND; one dropped from the code stays known, its runs wait.

Given a definition file (.yaml, .yml, .json) instead, validates it and runs it in an engine of this
process, waiting for it: its output goes to stdout as JSON; a failure to stderr as the definition's
error object (type, status, title, detail, instance), or Baton's error, with exit code 1. The run is
kept in --db when given; without --db it runs on a temporary database, removed afterwards.

Options:
  --input JSON          the run's input (@file.json reads it from a file)
  --id ID               the run's id; starting again with the same id returns the existing run
  --tag T               a tag to find the run by (baton runs list --tag T); repeat for several
  --wait                wait for the run to end and print its output as JSON (the id goes to stderr);
                        exits with 1 if the run failed or was cancelled
  --timeout MS          with --wait, give up waiting after MS milliseconds
  --workflows PATH      module exporting the workflows: the input is validated before the run is created
                        (default: $BATON_WORKFLOWS; without it the worker validates the input)
${CONNECTION_HELP}
${DSL_HELP}
  -h, --help            show this help`,
  args: ['WORKFLOW'],
  options: {
    ...connectionOptions,
    input: { type: 'string' },
    id: { type: 'string' },
    tag: { type: 'string', multiple: true },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    workflows: { type: 'string' },
    ...dslFlags,
  },
  async run({ values, positionals }, io) {
    const name = positionals[0] ?? '';
    const input = jsonArgument(values.input, '--input', 'run', io);
    const timeoutMs = positiveInteger(values.timeout, '--timeout', 'run');
    if (isDefinitionFile(name) && (existsSync(resolve(io.cwd, name)) || name.includes('/'))) {
      if (values.url !== undefined || values.key !== undefined)
        throw new UsageError('a definition file runs in this process: use --db, not --url or --key', 'run');
      return runDefinitionFile(
        {
          file: name,
          input,
          db: values.db === undefined ? undefined : databasePath(values.db, io),
          workflows: values.workflows,
          ...(values.id === undefined ? {} : { id: values.id }),
          ...(values.tag === undefined ? {} : { tags: values.tag }),
          timeoutMs,
          interpreter: interpreterOptions(values, io, 'run'),
          // Only what went wrong unexpectedly: a fault of the definition is the error object this prints.
          logger: jsonLogger({ ...io.env, BATON_LOG_LEVEL: io.env.BATON_LOG_LEVEL ?? 'error' }, 'run'),
        },
        io,
      );
    }
    if (values['dsl-host'] !== undefined || values['allow-shell'] === true || values['allow-script'] === true)
      throw new UsageError('--dsl-host, --allow-shell and --allow-script apply to a definition file run here; workers take them for runs by name', 'run');
    if (timeoutMs !== undefined && values.wait !== true) throw new UsageError('--timeout only applies with --wait', 'run');
    const modulePath = workflowsPath(values.workflows, io);
    const loaded = modulePath === undefined ? undefined : await loadWorkflows(modulePath);
    if (loaded !== undefined) ensureExported(loaded, name);
    const options = { mustExist: false, ...(loaded === undefined ? {} : { workflows: loaded.workflows }) };
    return withBackend(values, io, 'run', options, async (backend) => {
      const handle = await backend.start(name, input, {
        ...(values.id === undefined ? {} : { id: values.id }),
        ...(values.tag === undefined ? {} : { tags: values.tag }),
      });
      if (values.wait !== true) {
        io.out(handle.id);
        if (!handle.created) io.err(`run ${handle.id} already exists; it was not started again`);
        return 0;
      }
      io.err(handle.created ? `started run ${handle.id}` : `run ${handle.id} already exists; waiting for it`);
      // Runs wait in the store until a worker that has their workflow picks them up: say so once.
      const hint = setTimeout(() => {
        void backend
          .get(handle.id)
          .then((run) => {
            if (run?.status === 'queued' && run.claims === 0) {
              io.err(
                `run ${handle.id} is still queued: no worker has taken it yet. Is a worker running with workflow '${name}' (baton worker --db ... --workflows ...)?`,
              );
            }
          })
          // Only a hint: a look that fails (a server gone away) shows up in the wait itself.
          .catch(() => {});
      }, QUEUED_HINT_MS);
      hint.unref();
      const output = await waitForOutput(backend, handle.id, timeoutMs).finally(() => clearTimeout(hint));
      io.out(toJson(output, true));
      return 0;
    });
  },
});

const QUEUED_HINT_MS = 5000;

/** A name the module does not export is a typo far more often than a workflow served elsewhere. */
function ensureExported(loaded: LoadedWorkflows, name: string): void {
  if (loaded.workflows.some((w) => w.name === name)) return;
  throw new BatonError(
    ErrorCode.WorkflowNotFound,
    `${loaded.path} exports no workflow named '${name}' (it exports ${workflowNames(loaded.workflows).join(', ')}). No run was created.`,
    { retryable: false },
  );
}

async function waitForOutput(backend: Backend, runId: string, timeoutMs: number | undefined): Promise<unknown> {
  try {
    return await backend.result(runId, timeoutMs);
  } catch (error) {
    if (isBatonError(error) && error.code === ErrorCode.Timeout) throw error;
    const run = await backend.get(runId);
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : CliErrorCode.Unexpected;
    const message = errorMessage(error);
    throw new CliError(code, message.includes(runId) ? message : `run ${runId} ${run?.status ?? 'failed'}: ${message}`);
  }
}
