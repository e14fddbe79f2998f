/**
 * The check `baton replay` runs: each run against the code for its own workflow version, several at
 * once, each verdict kept in the order the runs came. A run whose workflow or pinned version is not
 * in the loaded code is `missing`: a worker with this code would never take it.
 */
import { replayRun, type AnyWorkflow, type ReplayDivergence, type ReplayEnd, type RunStatus, type WorkflowRegistry } from '@baton/core';
import { mapConcurrently, type ReplaySubject } from './run-source.js';

export type ReplayVerdict =
  | { verdict: 'ok'; runId: string; workflow: string; version: string; status: RunStatus; ended: ReplayEnd; positions: number; file?: string }
  | { verdict: 'diverged'; runId: string; workflow: string; version: string; status: RunStatus; positions: number; divergence: ReplayDivergence; file?: string }
  | { verdict: 'missing'; runId: string; workflow: string; version: string; status: RunStatus; message: string; file?: string }
  | { verdict: 'invalid'; file: string; message: string };

/** Replays at once: code that awaits between operations yields the event loop to the others. */
const CONCURRENCY = 16;

export function checkBatch(registry: WorkflowRegistry, subjects: readonly ReplaySubject[]): Promise<ReplayVerdict[]> {
  return mapConcurrently(subjects, CONCURRENCY, (subject) => checkOne(registry, subject));
}

async function checkOne(registry: WorkflowRegistry, subject: ReplaySubject): Promise<ReplayVerdict> {
  if ('invalid' in subject) return { verdict: 'invalid', file: subject.file, message: subject.invalid };
  const { run } = subject.input;
  const base = {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    ...(subject.file === undefined ? {} : { file: subject.file }),
  };
  const workflow: AnyWorkflow | undefined = registry.get(run.workflow, run.version);
  if (workflow === undefined) return { ...base, verdict: 'missing', message: missingMessage(registry, run.workflow, run.version) };
  const result = await replayRun(workflow, subject.input);
  return result.ok
    ? { ...base, verdict: 'ok', ended: result.ended, positions: result.positions }
    : { ...base, verdict: 'diverged', positions: result.positions, divergence: result.divergence };
}

function missingMessage(registry: WorkflowRegistry, name: string, version: string): string {
  const versions = registry
    .list()
    .filter((w) => w.name === name)
    .map((w) => w.version);
  if (versions.length === 0) return `workflow '${name}' is not in this code: its runs would wait for a worker that has it`;
  return `workflow '${name}' version '${version}' is not in this code (it has ${versions.map((v) => `'${v}'`).join(', ')}): runs pinned to that version would wait for a worker that has it`;
}
