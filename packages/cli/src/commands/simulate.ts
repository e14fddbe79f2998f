/**
 * `baton simulate FILE --input JSON`: runs a definition with nothing leaving the process (calls
 * answered from the scenario or their output schemas, waits skipped, approvals answered as the
 * scenario says) on a private in-memory database, and prints the path it took and its output.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkflowRegistry, type Store } from '@baton/core';
import { catalogFromStore, formatIssues, simulate, type PlanningCatalog } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { commonOptions, databasePath, defineCommand, jsonArgument, workflowsPath } from '../command.js';
import { UsageError } from '../errors.js';
import { loadWorkflows } from '../load-workflows.js';
import { toJson } from '../output.js';
import { readScenarioFile } from '../scenario-file.js';
import { pathLines } from '../simulation-path.js';
import { openStore } from '../store.js';

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'show what a definition will do, with nothing leaving this process',
  help: `Usage: baton simulate FILE --input JSON [--scenario FILE] [--workflows PATH] [--db FILE]

Runs the definition FILE (.yaml, .yml, .json) on a private in-memory database: HTTP, OpenAPI, gRPC and
function calls, workflow calls and model tasks are answered by the scenario, else from their output
schemas; waits are skipped; approvals are answered as the scenario says. Nothing is sent anywhere and
nothing is written to any database.

Prints the path the run took, one line per task (indented by depth): how it ended, its JSON pointer,
its kind, the branch or flow taken, where a simulated answer came from ('scenario', 'schema',
'default', 'model') and a preview of its output; then the output as JSON, or the error that ended it.

A scenario (YAML or JSON) says how the outside world answers, by task name or JSON pointer:
  tasks:     { checkCredit: { output: { score: 700 } }, pay: { error: { status: 503 } } }
             (a list answers successive calls in order)
  approvals: { managerApproval: { approved: true } }   (by task, pointer or signal; '*' for any other)
  events:    { com.example.paid: [ { amount: 10 } ] }   (what a listen receives, by event type)

Exit codes: 0 the simulated run completed, 1 it faulted, was stopped, or the definition is invalid
(its issues are printed as by baton validate), 2 the command line is wrong.

Options:
  --input JSON          the run's input (@file.json reads it from a file; default {})
  --scenario FILE       how calls, approvals and events answer (YAML or JSON)
  --workflows PATH      module exporting workflows its workflow calls are answered from (their output schemas)
                        (default: $BATON_WORKFLOWS)
  --db FILE|URL         read the catalog of this database (workflows registered or deployed there); only read
  -h, --help            show this help`,
  args: ['FILE'],
  options: { ...commonOptions, input: { type: 'string' }, scenario: { type: 'string' }, workflows: { type: 'string' } },
  async run({ values, positionals }, io) {
    const file = positionals[0] ?? '';
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, 'simulate');
    }
    const input = values.input === undefined ? {} : jsonArgument(values.input, '--input', 'simulate', io);
    const scenario = values.scenario === undefined ? undefined : readScenarioFile(resolve(io.cwd, values.scenario), values.scenario, 'simulate');
    const catalog = await catalogOf(values.db === undefined ? undefined : databasePath(values.db, io), workflowsPath(values.workflows, io));

    const result = await simulate(text, input, {
      store: () => new SqliteStore({ path: ':memory:' }),
      ...(scenario === undefined ? {} : { scenario }),
      ...(catalog === undefined ? {} : { catalog }),
    });
    if (result.status === 'invalid') {
      io.err(formatIssues((result.issues ?? []).map((issue) => ({ ...issue, file: issue.file ?? file }))));
      io.err(`${file} is not a valid definition: nothing ran`);
      return 1;
    }
    io.out('path:');
    for (const line of pathLines(result.path)) io.out(`  ${line}`);
    if (result.status === 'completed') {
      io.out('output:');
      io.out(toJson(result.output ?? null, true));
      io.err(`simulation completed: ${result.path.length} tasks in ${Math.round(result.durationMs)} ms`);
      return 0;
    }
    io.out(result.status === 'faulted' ? 'error:' : 'stopped:');
    io.out(JSON.stringify(result.error ?? null, null, 2));
    io.err(`simulation ${result.status}${result.error?.detail === undefined ? '' : `: ${result.error.detail}`}`);
    return 1;
  },
});

/** The catalog workflow calls are answered from: --db's (read-only), with --workflows merged in; none without either. */
async function catalogOf(dbPath: string | undefined, modulePath: string | undefined): Promise<PlanningCatalog | undefined> {
  if (dbPath === undefined && modulePath === undefined) return undefined;
  const loaded = modulePath === undefined ? undefined : await loadWorkflows(modulePath);
  const workflows = loaded === undefined ? undefined : new WorkflowRegistry(loaded.workflows);
  // Without --db the workflows alone make the catalog: an empty in-memory store stands for the deployment.
  const store: Store = dbPath === undefined ? new SqliteStore({ path: ':memory:' }) : await openStore(dbPath, { mustExist: true });
  try {
    if (dbPath === undefined) await store.init();
    return await catalogFromStore(store, workflows === undefined ? {} : { workflows });
  } finally {
    await store.close();
  }
}
