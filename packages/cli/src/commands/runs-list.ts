/** `baton runs list`: recent runs, newest first, as a table or JSON. */
import { RunStatus } from '@baton/core';
import { defineCommand, positiveInteger } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';
import { UsageError } from '../errors.js';
import { dateTime, table, toJson } from '../output.js';

const STATUSES: readonly RunStatus[] = Object.values(RunStatus);

export const runsListCommand = defineCommand({
  name: 'runs list',
  summary: 'list recent runs',
  help: `Usage: baton runs list [--workflow W] [--status S] [--tag T] [--search TEXT] [--limit N] [--json] [--db FILE | --url URL --key KEY]

Lists runs, newest first.

Options:
  --workflow W          only runs of workflow W
  --status S            only runs with this status (${STATUSES.join(', ')}); several: --status failed,cancelled
  --tag T               only runs tagged T
  --search TEXT         only runs whose id or input contains TEXT (case-insensitive)
  --limit N             at most N runs (default 50, at most 1000)
  --json                print a JSON array of runs instead of a table
${CONNECTION_HELP}
  -h, --help            show this help`,
  options: {
    ...connectionOptions,
    workflow: { type: 'string' },
    status: { type: 'string' },
    tag: { type: 'string' },
    search: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const limit = positiveInteger(values.limit, '--limit', 'runs list');
    if (limit !== undefined && limit > 1000) throw new UsageError(`--limit must be at most 1000, not ${limit}`, 'runs list');
    const status = values.status === undefined ? undefined : parseStatuses(values.status);
    return withBackend(values, io, 'runs list', { mustExist: true }, async (backend) => {
      const page = await backend.list({
        ...(values.workflow === undefined ? {} : { workflow: values.workflow }),
        ...(status === undefined ? {} : { status }),
        ...(values.tag === undefined ? {} : { tag: values.tag }),
        ...(values.search === undefined ? {} : { search: values.search }),
        ...(limit === undefined ? {} : { limit }),
      });
      if (values.json === true) {
        io.out(toJson(page.runs, true));
        return 0;
      }
      if (page.runs.length === 0) {
        io.out('No runs.');
        return 0;
      }
      const rows = page.runs.map((r) => [r.id, r.workflow, r.status, dateTime(r.createdAt), dateTime(r.updatedAt)]);
      io.out(table(['ID', 'WORKFLOW', 'STATUS', 'CREATED', 'UPDATED'], rows));
      if (page.more) io.err(`showing the newest ${page.runs.length} runs; raise --limit to see more`);
      return 0;
    });
  },
});

function parseStatuses(text: string): RunStatus[] {
  const statuses = text.split(',').map((s) => s.trim());
  for (const status of statuses) {
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not '${status}'`, 'runs list');
    }
  }
  return statuses as RunStatus[];
}
