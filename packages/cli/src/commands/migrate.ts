/**
 * `baton migrate`: moves runs in flight from one version of a workflow to another. Each run's journal
 * is replayed on the new code first (nothing runs, nothing is written); only runs that replay move,
 * at their next suspension point. A dry run by default; --apply moves.
 */
import { toMillis, type MigrateFilter, type MigrationResult } from '@baton/core';
import { defineCommand, positiveInteger, workflowsPath } from '../command.js';
import { CONNECTION_HELP, connectionOf, connectionOptions, withBackend } from '../backend/backend.js';
import { UsageError } from '../errors.js';
import { loadWorkflows } from '../load-workflows.js';
import { toJson } from '../output.js';
import { parseSince } from '../since-option.js';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'move runs in flight to a new version of their workflow',
  help: `Usage: baton migrate --workflows PATH --workflow NAME --from V1 --to V2 [--run ID]... [filters] [--apply] [--json]
       [--db FILE | --url URL --key KEY]

Replays the journal of each run of NAME pinned to version V1 (queued, waiting or running; or only the
runs named with --run) against the code of version V2 from --workflows, without running or writing
anything. A run that replays can move: its next execution runs V2's code from where it stopped and
never repeats a journaled step. A run that does not replay is listed with where it diverges and stays
as it is; a running one is skipped (try again when it suspends), unless --wait gives it time to
reach its next suspension point: it is checked and moved then.

Without --apply this is a dry run: it says what would move and what is refused. With --apply the runs
that replay move, each one atomically at its suspension point, audited.

With --url the server checks the runs with its own code (a server started with --workflows holding
V2), so --workflows is not taken.

Exit code: 0 when every run asked for can move (with --apply: moved); 1 when some were refused (or,
with --apply, skipped); 2 on a wrong command line.

Options:
  --workflows PATH      module exporting the workflows, V2 among them (default: $BATON_WORKFLOWS)
  --workflow NAME       the workflow whose runs move
  --from V1             the version the runs are on
  --to V2               the version to move them to
  --run ID              only this run; repeat for several
  --status S            only runs in these states (queued, waiting, running), comma-separated
  --tag TAG             only runs carrying this tag
  --since WHEN          only runs created since a duration ago (7d, 12h) or an ISO date (2030-01-31)
  --limit N             at most N runs (default and most 10000); filters do not go with --run
  --apply               move the runs (without it, only check)
  --wait DURATION       wait up to DURATION (30s, 5m; at most 1h, 60s with --url) for running runs to
                        suspend, and check and move each one then
  --json                print the result as JSON
${CONNECTION_HELP}
  -h, --help            show this help`,
  options: {
    ...connectionOptions,
    workflows: { type: 'string' },
    workflow: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    run: { type: 'string', multiple: true },
    status: { type: 'string' },
    tag: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    apply: { type: 'boolean' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    for (const flag of ['workflow', 'from', 'to'] as const) {
      if (values[flag] === undefined || values[flag] === '') throw new UsageError(`--${flag} is required`, 'migrate');
    }
    if (values.from === values.to) throw new UsageError(`--from and --to are both '${values.to}': nothing to move`, 'migrate');
    const remote = connectionOf(values, io, 'migrate').kind === 'api';
    const waitMs = values.wait === undefined ? undefined : waitOf(values.wait, remote);
    const filter = filterOf(values);
    if (filter !== undefined && values.run !== undefined)
      throw new UsageError('--run names the runs: it takes no --status, --tag, --since or --limit', 'migrate');
    const modulePath = workflowsPath(values.workflows, io);
    if (remote && values.workflows !== undefined) throw new UsageError('--workflows checks runs in this process: use --db with it, not --url', 'migrate');
    if (!remote && modulePath === undefined)
      throw new UsageError('--workflows PATH is required (or set BATON_WORKFLOWS): the new version’s code checks the runs', 'migrate');
    const loaded = remote || modulePath === undefined ? undefined : await loadWorkflows(modulePath);
    const options = { mustExist: true, ...(loaded === undefined ? {} : { workflows: loaded.workflows }) };
    return withBackend(values, io, 'migrate', options, async (backend) => {
      const result = await backend.migrate({
        workflow: values.workflow!,
        fromVersion: values.from!,
        toVersion: values.to!,
        ...(values.run === undefined ? {} : { runIds: values.run }),
        ...(filter === undefined ? {} : { filter }),
        dryRun: values.apply !== true,
        ...(waitMs === undefined ? {} : { waitMs }),
      });
      if (values.json === true) io.out(toJson(result, true));
      else for (const line of report(result)) io.out(line);
      return result.refused.length > 0 || (!result.dryRun && result.skipped.length > 0) ? 1 : 0;
    });
  },
});

/** The result as lines for people: one per run, then a summary. */
function report(result: MigrationResult): string[] {
  const verb = result.dryRun ? 'would move' : 'moved';
  const lines = [
    `workflow '${result.workflow}': version ${result.fromVersion} -> ${result.toVersion}${result.dryRun ? ' (dry run: nothing moved; --apply moves)' : ''}`,
  ];
  for (const m of result.moved) lines.push(`${verb.padEnd(10)}  ${m.runId}  (${m.status}, ${m.positions} journaled positions replay)`);
  for (const r of result.refused) {
    const d = r.divergence;
    const at = d.seq === 0 ? 'its input' : `position ${d.seq}`;
    lines.push(
      `${'refused'.padEnd(10)}  ${r.runId}  at ${at}: the journal holds ${d.journaled}, the new code asks for ${d.requested}${d.source === undefined ? '' : ` (${d.source})`}`,
    );
  }
  for (const s of result.skipped) lines.push(`${'skipped'.padEnd(10)}  ${s.runId}  ${s.reason}`);
  lines.push(`${result.moved.length} ${verb}, ${result.refused.length} refused, ${result.skipped.length} skipped`);
  return lines;
}

/** `--wait`: a duration up to an hour (a minute through a server, which answers within its request). */
function waitOf(text: string, remote: boolean): number {
  let ms: number;
  try {
    ms = toMillis(text, '--wait');
  } catch {
    throw new UsageError(`--wait must be a duration such as 30s or 5m, not '${text}'`, 'migrate');
  }
  const most = remote ? 60_000 : 3_600_000;
  if (ms < 0 || ms > most) throw new UsageError(`--wait must be at most ${remote ? '60s with --url' : '1h'}`, 'migrate');
  return ms;
}

const IN_FLIGHT = ['queued', 'waiting', 'running'] as const;

/** The filter flags as client.migrate's filter, or undefined without any. */
function filterOf(values: {
  status?: string | undefined;
  tag?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
}): MigrateFilter | undefined {
  if (values.status === undefined && values.tag === undefined && values.since === undefined && values.limit === undefined) return undefined;
  const filter: MigrateFilter = {};
  if (values.status !== undefined) {
    const status = values.status.split(',').map((s) => s.trim());
    const wrong = status.find((s) => !(IN_FLIGHT as readonly string[]).includes(s));
    if (wrong !== undefined) throw new UsageError(`--status must be among ${IN_FLIGHT.join(', ')} (runs in flight), not '${wrong}'`, 'migrate');
    filter.status = status as MigrateFilter['status'];
  }
  if (values.tag !== undefined) {
    if (values.tag.trim() === '') throw new UsageError('--tag needs a tag', 'migrate');
    filter.tag = values.tag;
  }
  if (values.since !== undefined) filter.createdAfter = parseSince(values.since, 'migrate');
  const limit = positiveInteger(values.limit, '--limit', 'migrate');
  if (limit !== undefined) {
    if (limit > 10_000) throw new UsageError(`--limit must be at most 10000, not '${values.limit}'`, 'migrate');
    filter.limit = limit;
  }
  return filter;
}
