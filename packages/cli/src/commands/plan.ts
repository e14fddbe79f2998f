/**
 * `baton plan "DESCRIPTION"`: writes a workflow definition from a paragraph with the configured model.
 * Planning runs as the durable `baton.plan` workflow in an engine of this process, on --db or a
 * temporary database, with the catalog of what that database and --workflows have; every answer is
 * validated (and sent back to the model with its problems) before it is shown.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine } from '@baton/core';
import { catalogFromStore, formatIssues, plan, plannerWorkflow, type PlanRequest } from '@baton/dsl';
import { commonOptions, databasePath, defineCommand, workflowsPath } from '../command.js';
import { UsageError } from '../errors.js';
import { loadWorkflows } from '../load-workflows.js';
import { jsonLogger } from '../logging.js';
import { PlanProgressPrinter } from '../plan-progress.js';
import { openStore } from '../store.js';

const MAX_ROUNDS = 10;

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'write a workflow definition from a description, with a model',
  help: `Usage: baton plan "DESCRIPTION" [--from FILE] [--out FILE] [--model M] [--rounds N] [--workflows PATH] [--db FILE]

Asks a model for a Serverless Workflow definition of the process DESCRIPTION tells, checks every
answer as baton validate does and against the catalog (the workflows it calls exist, their input
matches, approvals have forms), and sends the problems back for another round until it is valid or
the rounds run out. Progress goes to stderr, round by round; the definition to stdout (or --out).
Planning is a run of the workflow baton.plan: on --db it is kept there (baton runs show ID).

The catalog the model writes against: the workflows registered or deployed on --db, and those of
--workflows. The model: --model, else $BATON_AI_MODEL (provider:model, e.g. openai:gpt-4o-mini; see
docs/ai.md for the providers' environment variables).

Exit codes: 0 the definition is valid, 1 still invalid after the last round (its problems are
printed) or planning failed, 2 the command line is wrong.

Options:
  --from FILE           revise this definition as DESCRIPTION asks; the diff goes to stderr
  --out FILE            write the definition to FILE (only when valid) instead of stdout
  --model M             the model, as provider:model (default: $BATON_AI_MODEL)
  --rounds N            rounds before giving up, 1 to ${MAX_ROUNDS} (default 3)
  --workflows PATH      module exporting workflows (or definition files) the definition may call
                        (default: $BATON_WORKFLOWS)
  --db FILE|URL         database whose catalog to plan against, where the planning run is kept
                        (default: a temporary database, removed afterwards)
  -h, --help            show this help`,
  args: ['DESCRIPTION'],
  options: {
    ...commonOptions,
    from: { type: 'string' },
    out: { type: 'string' },
    model: { type: 'string' },
    rounds: { type: 'string' },
    workflows: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const description = (positionals[0] ?? '').trim();
    if (description.length === 0) throw new UsageError('DESCRIPTION is empty: say what the workflow should do', 'plan');
    const rounds = roundsArgument(values.rounds);
    const from = values.from === undefined ? undefined : readFrom(resolve(io.cwd, values.from), values.from);
    if (values.model !== undefined && !/^[^:\s]+:\S+$/.test(values.model)) throw new UsageError(`--model takes provider:model, not '${values.model}'`, 'plan');
    const request: PlanRequest = {
      description,
      ...(values.model === undefined ? {} : { model: values.model }),
      ...(from === undefined ? {} : { from }),
      ...(rounds === undefined ? {} : { maxRounds: rounds }),
    };
    const modulePath = workflowsPath(values.workflows, io);
    const loaded = modulePath === undefined ? undefined : await loadWorkflows(modulePath);

    const temporary = values.db === undefined ? mkdtempSync(join(tmpdir(), 'baton-plan-')) : undefined;
    const dbPath = temporary === undefined ? databasePath(values.db, io) : join(temporary, 'baton.db');
    try {
      const store = await openStore(dbPath, { mustExist: false });
      // Only what went wrong unexpectedly: a failed planning run is the error line this prints.
      const logger = jsonLogger({ ...io.env, BATON_LOG_LEVEL: io.env.BATON_LOG_LEVEL ?? 'error' }, 'plan');
      // The catalog: what the database has, and this process's workflows (read when the run asks, once the engine exists).
      const planner = plannerWorkflow({ catalog: () => catalogFromStore(store, { workflows: engine.workflows }) });
      const engine: Engine = new Engine({ store, workflows: [...(loaded?.workflows ?? []), planner], logger });
      loaded?.useRegistry(engine.workflows);
      const printer = new PlanProgressPrinter(io.err);
      const runId = `plan-${randomUUID()}`;
      engine.subscribe((event) => {
        if (event.type === 'run.progress' && event.runId === runId) printer.progress(event.progress);
      });
      try {
        await engine.start();
        io.err(`planning (run ${runId}${temporary === undefined ? '' : ', on a temporary database'})`);
        const result = await plan(request, { client: engine.client, runId });
        printer.rounds(result.rounds, request.maxRounds);
        if (from !== undefined && result.diff !== undefined) io.err(result.diff.trimEnd());
        const named = result.workflowName === undefined ? '' : ` (${result.workflowName} ${result.version ?? ''})`;
        if (!result.valid) {
          if (result.definition !== undefined && values.out === undefined) io.out(result.definition.trimEnd());
          const count = result.issues.length;
          io.err(
            `the definition is still invalid after ${result.rounds.length} ${result.rounds.length === 1 ? 'round' : 'rounds'}: ${count} ${count === 1 ? 'problem' : 'problems'}`,
          );
          if (count > 0) io.err(formatIssues(result.issues));
          if (values.out !== undefined) io.err(`${values.out} was not written`);
          return 1;
        }
        const text = `${(result.definition ?? '').trimEnd()}\n`;
        if (values.out === undefined) {
          io.out(text.trimEnd());
        } else {
          writeFileSync(resolve(io.cwd, values.out), text);
          io.err(`wrote ${values.out}${named}`);
        }
        io.err(
          `valid after ${result.rounds.length} ${result.rounds.length === 1 ? 'round' : 'rounds'}${named}: ${result.tokens.total} tokens, $${result.costUsd.toFixed(4)}`,
        );
        return 0;
      } finally {
        await engine.stop({ timeoutMs: 1000 });
        await store.close();
      }
    } finally {
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
    }
  },
});

function roundsArgument(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_ROUNDS)
    throw new UsageError(`--rounds must be a whole number from 1 to ${MAX_ROUNDS}, not '${text}'`, 'plan');
  return value;
}

function readFrom(path: string, given: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --from file ${given}: ${(error as Error).message}`, 'plan');
  }
}
