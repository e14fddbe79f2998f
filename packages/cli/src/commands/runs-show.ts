/** `baton runs show`: one run and its journal, the first thing to read when a run misbehaves. */
import { type JournalEntryInfo, type RunInfo, runNotFound } from '@baton/core';
import { defineCommand } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';
import { dateTime, describeError, formatDuration, table, toJson, truncate } from '../output.js';

export const runsShowCommand = defineCommand({
  name: 'runs show',
  summary: 'show a run and its journal',
  help: `Usage: baton runs show ID [--json] [--db FILE | --url URL --key KEY]

Shows the run ID (status, input, output or error, what it waits for) and its journal: every step,
sleep, signal and child in order, with attempts, duration and result.

Options:
  --json                print { run, journal } as JSON
${CONNECTION_HELP}
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...connectionOptions, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withBackend(values, io, 'runs show', { mustExist: true }, async (backend) => {
      const found = await backend.show(id);
      if (found === undefined) throw runNotFound(id);
      const { run, journal } = found;
      if (values.json === true) {
        io.out(toJson({ run, journal }, true));
        return 0;
      }
      io.out(runDetails(run));
      io.out('');
      io.out(journal.length === 0 ? 'Journal: empty (no step, sleep or signal is recorded yet).' : journalTable(journal));
      return 0;
    });
  },
});

function runDetails(run: RunInfo): string {
  const rows: [string, string][] = [
    ['run', run.id],
    ['workflow', `${run.workflow}${run.version === '' ? '' : ` (version ${run.version})`}`],
    [
      'status',
      `${run.status}${run.cancelRequested && run.status !== 'cancelled' ? ' (cancel requested)' : ''}${run.compensating ? (run.endedAt === undefined ? ' (compensating)' : ' (compensated)') : ''}`,
    ],
    ['queue', `${run.queue}, priority ${run.priority}`],
    ['created', dateTime(run.createdAt)],
    ['updated', dateTime(run.updatedAt)],
  ];
  if (run.startedAt !== undefined) rows.push(['started', dateTime(run.startedAt)]);
  if (run.endedAt !== undefined) rows.push(['ended', dateTime(run.endedAt)]);
  rows.push(['claims', String(run.claims)]);
  if (run.parentId !== undefined) rows.push(['parent', run.parentId]);
  if (run.continuedFrom !== undefined) rows.push(['continues', run.continuedFrom]);
  if (run.continuedTo !== undefined) rows.push(['continued as', run.continuedTo]);
  const waits = waitingFor(run);
  if (waits !== undefined) rows.push(['waiting for', waits]);
  if (run.compensationPlan !== undefined) rows.push(['undoes', run.compensationPlan.map((step) => `#${step.seq} ${step.name}`).join(', ')]);
  rows.push(['input', truncate(toJson(run.input), 200)]);
  if (run.progress !== undefined) rows.push(['progress', truncate(toJson(run.progress), 200)]);
  if (run.output !== undefined || run.status === 'completed') rows.push(['output', truncate(toJson(run.output), 200)]);
  if (run.error !== undefined) rows.push(['error', describeError(run.error)]);
  return rows.map(([key, value]) => `${key.padEnd(13)}${value}`).join('\n');
}

function waitingFor(run: RunInfo): string | undefined {
  const parts: string[] = [];
  if (run.waitingFor !== undefined) {
    if (run.waitingFor.signals.length > 0) parts.push(`signal ${run.waitingFor.signals.join(', ')}`);
    if (run.waitingFor.children.length > 0) parts.push(`child ${run.waitingFor.children.join(', ')}`);
  }
  if (run.wakeAt !== undefined) parts.push(`until ${dateTime(run.wakeAt)}`);
  return parts.length === 0 ? undefined : parts.join(' or ');
}

function journalTable(journal: JournalEntryInfo[]): string {
  const rows = journal.map((e) => [
    String(e.seq),
    e.kind,
    e.compensates === undefined ? e.name : `${e.name} (undoes ${e.compensates})`,
    e.status,
    String(e.attempts),
    formatDuration(e.durationMs),
    e.input === undefined ? '' : truncate(toJson(e.input), 40),
    e.error !== undefined ? truncate(describeError(e.error), 100) : e.output === undefined ? '' : truncate(toJson(e.output), 80),
  ]);
  return table(['SEQ', 'KIND', 'NAME', 'STATUS', 'ATTEMPTS', 'DURATION', 'INPUT', 'RESULT'], rows);
}
