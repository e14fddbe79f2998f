/**
 * `baton run ./flow.yaml`: runs a definition file in an engine of this process and waits for it.
 * The database is --db when given (the run stays there, for `baton runs show` or the dashboard),
 * else a temporary SQLite file removed afterwards. The output goes to stdout as JSON; a failure to
 * stderr as the DSL's error object (`details.error` of BATON_WORKFLOW_FAULT), else as Baton's error
 * `{ code, message, details? }`, with exit code 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine, ErrorCode, errorMessage, hasErrorCode, type AnyWorkflow, type Logger } from '@baton/core';
import { WORKFLOW_FAULT, type InterpreterOptions } from '@baton/dsl';
import { closeMcpConnections } from '@baton/mcp';
import type { Io } from './command.js';
import { loadDefinitionFiles } from './definition-files.js';
import { loadWorkflows } from './load-workflows.js';
import { openStore } from './store.js';
import { toJson } from './output.js';

export interface RunDefinitionOptions {
  file: string;
  input: unknown;
  /** --db as given (undefined: a temporary database). */
  db: string | undefined;
  /** --workflows: more workflows its `run: workflow` tasks may call. */
  workflows: string | undefined;
  id?: string;
  tags?: string[];
  timeoutMs: number | undefined;
  interpreter: InterpreterOptions;
  logger: Logger;
}

export async function runDefinitionFile(options: RunDefinitionOptions, io: Io): Promise<number> {
  const temporary = options.db === undefined ? mkdtempSync(join(tmpdir(), 'baton-run-')) : undefined;
  const dbPath = temporary === undefined ? options.db! : join(temporary, 'baton.db');
  let registry: Engine['workflows'] | undefined;
  const interpreter: InterpreterOptions = { ...options.interpreter, resolveWorkflow: (name, version) => registry?.get(name, version) };
  try {
    const extra = options.workflows === undefined ? [] : (await loadWorkflows(options.workflows, { interpreter })).workflows;
    const workflow: AnyWorkflow = (await loadDefinitionFiles([resolve(io.cwd, options.file)], interpreter))[0]!;
    const store = await openStore(dbPath, { mustExist: false });
    const engine = new Engine({ store, workflows: [...extra, workflow], logger: options.logger });
    registry = engine.workflows;
    try {
      await engine.start();
      const handle = await engine.client.start(workflow, options.input, {
        ...(options.id === undefined ? {} : { id: options.id }),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      });
      io.err(`started run ${handle.id} of ${workflow.name} ${workflow.version}`);
      try {
        const output = await handle.result(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
        io.out(toJson(output, true));
        return 0;
      } catch (error) {
        io.err(JSON.stringify(failureObject(error), null, 2));
        return 1;
      }
    } finally {
      await engine.stop({ timeoutMs: 1000 });
      // A call: mcp over stdio started its server as a child process of this one.
      await closeMcpConnections();
      await store.close();
    }
  } finally {
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  }
}

/** What a failed run shows: the DSL's error object when the definition faulted, else Baton's error. */
function failureObject(error: unknown): unknown {
  const details = (error as { details?: Record<string, unknown> }).details;
  if (hasErrorCode(error, WORKFLOW_FAULT) && details?.error !== undefined) return details.error;
  const code = (error as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? code : ErrorCode.WorkflowError,
    message: errorMessage(error),
    ...(details === undefined ? {} : { details }),
  };
}
