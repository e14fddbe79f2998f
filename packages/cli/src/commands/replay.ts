/**
 * `baton replay`: the deploy-time compatibility check. Replays the journals of real runs (from the
 * database, a server, or replay files) against the code in --workflows, running and writing nothing,
 * and says per run whether the new code still takes the path the run took. `--export DIR` writes the
 * runs as replay files instead, for a check where the database is out of reach.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunStatus, WorkflowRegistry, replayFileOf, type Store } from '@baton/core';
import { ApiClient } from '@baton/server';
import { defineCommand, positiveInteger, requiredWorkflowsPath, type Io } from '../command.js';
import { CONNECTION_HELP, connectionOf, connectionOptions } from '../backend/backend.js';
import { DSL_HELP, dslFlags, interpreterOptions } from '../dsl-options.js';
import { UsageError } from '../errors.js';
import { loadWorkflows } from '../load-workflows.js';
import { toJson } from '../output.js';
import { parseSince } from '../since-option.js';
import { withStore } from '../store.js';
import { checkBatch, type ReplayVerdict } from '../replay/replay-check.js';
import { inspectOne, reportResults } from '../replay/replay-modes.js';
import { SummaryCounter, summaryLine, verdictLines } from '../replay/replay-report.js';
import { apiSource, folderSource, storeSource, type RunSelection, type RunSource } from '../replay/run-source.js';
import { cliVersion } from '../version.js';

const NAME = 'replay';
const STATUSES: readonly RunStatus[] = Object.values(RunStatus);
const DEFAULT_LIMIT = 1000;

export const replayCommand = defineCommand({
  name: NAME,
  summary: 'check that new code still replays the journals of real runs',
  help: `Usage: baton replay --workflows PATH [--db FILE|URL | --url URL --key KEY | --from DIR] [filters] [--json] [--progress]
       baton replay --export DIR [--redact] [--db FILE|URL | --url URL --key KEY] [filters]
       baton replay --run ID --inspect [--inspect-address [HOST:]PORT] --workflows PATH [--db … | --url … | --from DIR]

Replays the journals of real runs against the code in PATH, as a worker with that code would when it
resumes them, without running any step and without writing anything. Runs in flight come first
(running, waiting, queued ones with a journal), then ended ones, newest first within each (so
--limit keeps the most recent). Each run is checked
against the code for its own workflow version; a run whose workflow or version PATH lacks is
reported missing. Prints one line per run (ok, or the first divergence: position, what the journal
holds, what the code asks for, and the code's line), then a summary.
Exit codes: 0 every run replays, 1 a run diverged, is missing or a file is invalid, 2 the command line is wrong.

Options:
  --workflows PATH      the new code: a module, definition files or folders, comma-separated (default: $BATON_WORKFLOWS)
${DSL_HELP}
  --workflow NAME       only runs of this workflow
  --status S            only runs with these statuses (${STATUSES.join(', ')}), comma-separated
  --since WHEN          only runs created since a duration ago (7d, 12h) or an ISO date (2030-01-31)
  --limit N             at most N runs (default ${DEFAULT_LIMIT})
  --run ID              only this run
  --from DIR            replay the replay files in DIR (written by --export) instead of a database
  --export DIR          write each run as DIR/<run id>.json (a replay file) instead of checking it
  --redact              with --export: replace payload values by placeholders of the same shape
  --json                print the verdicts and the summary as one JSON object
  --progress            report progress on stderr (the default when stderr is a terminal)
  --report CANDIDATE    with --url: send the results to that server as a check of CANDIDATE (a
                        commit, build or release name); the dashboard shows them on each run's page
  --inspect             with --run: replay that run under Node's inspector, stopping at each journaled
                        position (attach from chrome://inspect or an editor); the verdict is printed
  --inspect-address A   where the inspector listens (default 127.0.0.1:9229; port 0 picks a free one)
${CONNECTION_HELP}
  -h, --help            show this help`,
  options: {
    ...connectionOptions,
    workflows: { type: 'string' },
    ...dslFlags,
    workflow: { type: 'string' },
    status: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    run: { type: 'string' },
    from: { type: 'string' },
    export: { type: 'string' },
    redact: { type: 'boolean' },
    json: { type: 'boolean' },
    progress: { type: 'boolean' },
    report: { type: 'string' },
    inspect: { type: 'boolean' },
    'inspect-address': { type: 'string' },
  },
  async run({ values }, io) {
    const selection: RunSelection = {
      limit: positiveInteger(values.limit, '--limit', NAME) ?? DEFAULT_LIMIT,
      ...(values.workflow === undefined ? {} : { workflow: values.workflow }),
      ...(values.status === undefined ? {} : { status: parseStatuses(values.status) }),
      ...(values.since === undefined ? {} : { since: parseSince(values.since, NAME) }),
      ...(values.run === undefined ? {} : { runId: values.run }),
    };
    if (values.from !== undefined && values.export !== undefined) throw new UsageError('use either --from or --export, not both', NAME);
    if (values.from !== undefined && (values.db !== undefined || values.url !== undefined)) {
      throw new UsageError('--from reads replay files: it takes no --db or --url', NAME);
    }
    if (values.redact === true && values.export === undefined) throw new UsageError('--redact goes with --export', NAME);
    if (values.export !== undefined) {
      if (values.workflows !== undefined) throw new UsageError('--export writes runs as they are: it takes no --workflows', NAME);
      const dir = resolve(io.cwd, values.export);
      return withSource(values, io, (source) => exportRuns(source, selection, dir, values.redact === true, io));
    }
    const report = values.report === undefined ? undefined : reportTarget(values, values.report, io);
    if (values['inspect-address'] !== undefined && values.inspect !== true) throw new UsageError('--inspect-address goes with --inspect', NAME);
    if (values.inspect === true && (values.run === undefined || values.json === true || values.report !== undefined)) {
      throw new UsageError('--inspect debugs one run: give it --run ID (and no --json or --report)', NAME);
    }
    const loaded = await loadWorkflows(requiredWorkflowsPath(values.workflows, io, NAME), { interpreter: interpreterOptions(values, io, NAME) });
    const registry = new WorkflowRegistry(loaded.workflows);
    loaded.useRegistry(registry);
    const progress = values.progress === true || process.stderr.isTTY;
    const check = (source: RunSource): Promise<number> =>
      values.inspect === true
        ? inspectOne(source, selection, registry, values['inspect-address'], io)
        : checkRuns(source, selection, registry, { json: values.json === true, progress, report }, io);
    if (values.from !== undefined) return check(folderSource(resolve(io.cwd, values.from)));
    return withSource(values, io, check);
  },
});

async function checkRuns(
  source: RunSource,
  selection: RunSelection,
  registry: WorkflowRegistry,
  options: { json: boolean; progress: boolean; report: { url: string; key?: string; candidate: string } | undefined },
  io: Io,
): Promise<number> {
  const counter = new SummaryCounter();
  const verdicts: ReplayVerdict[] = [];
  let reported = 0;
  let reportedAt = performance.now();
  for await (const batch of source(selection)) {
    const checked = await checkBatch(registry, batch);
    counter.add(checked);
    if (options.json || options.report !== undefined) verdicts.push(...checked);
    else for (const v of checked) for (const line of verdictLines(v)) io.out(line);
    const now = performance.now();
    if (options.progress && (counter.counts.checked - reported >= 1000 || now - reportedAt >= 1000)) {
      reported = counter.counts.checked;
      reportedAt = now;
      io.err(`baton replay: ${counter.counts.checked} runs checked, ${counter.failing} failing`);
    }
  }
  if (options.report !== undefined) await reportResults(options.report, options.report.candidate, verdicts, io);
  const summary = counter.summary();
  if (options.json) io.out(toJson({ runs: verdicts, summary }, true));
  else io.out(summaryLine(summary));
  return counter.failing === 0 ? 0 : 1;
}

async function exportRuns(source: RunSource, selection: RunSelection, dir: string, redact: boolean, io: Io): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const exportedAt = new Date();
  const bakedWith = cliVersion();
  let count = 0;
  for await (const batch of source(selection)) {
    for (const subject of batch) {
      if (!('input' in subject)) continue;
      const file = replayFileOf(subject.input, { exportedAt, bakedWith, redact });
      writeFileSync(join(dir, `${encodeURIComponent(file.run.id)}.json`), `${JSON.stringify(file, null, 2)}\n`);
      count++;
    }
  }
  io.out(`exported ${count} run${count === 1 ? '' : 's'} to ${dir}${redact ? ' (payloads redacted)' : ''}`);
  return 0;
}

/** The database or the server the flags name, as a source of runs. */
async function withSource(
  values: { db?: string | undefined; url?: string | undefined; key?: string | undefined },
  io: Io,
  fn: (source: RunSource) => Promise<number>,
): Promise<number> {
  const connection = connectionOf(values, io, NAME);
  if (connection.kind === 'api') {
    return fn(apiSource(new ApiClient({ url: connection.url, ...(connection.key === undefined ? {} : { key: connection.key }) })));
  }
  return withStore(connection.path, { mustExist: true, readsOnly: true }, (store: Store) => fn(storeSource(store)));
}

/** `--report`: the server the runs were read from (--url or $BATON_URL), and the name of the code checked. */
function reportTarget(
  values: { db?: string | undefined; url?: string | undefined; key?: string | undefined; from?: string | undefined; export?: string | undefined },
  candidate: string,
  io: Io,
): { url: string; key?: string; candidate: string } {
  if (candidate.trim() === '') throw new UsageError('--report needs the name of the code checked (a commit, build or release)', NAME);
  const connection = values.from === undefined && values.export === undefined ? connectionOf(values, io, NAME) : undefined;
  if (connection?.kind !== 'api') {
    throw new UsageError('--report sends the results to the server whose runs were checked: it goes with --url (not --db, --from or --export)', NAME);
  }
  return { url: connection.url, candidate, ...(connection.key === undefined ? {} : { key: connection.key }) };
}

function parseStatuses(text: string): RunStatus[] {
  const statuses = text.split(',').map((s) => s.trim());
  for (const status of statuses) {
    if (!(STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not '${status}'`, NAME);
  }
  return statuses as RunStatus[];
}
