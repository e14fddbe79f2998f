/**
 * The two ways `baton replay` goes past printing verdicts: `--inspect` replays one run under the
 * debugger, `--report CANDIDATE` sends what the check found to the server whose runs it checked.
 */
import type { ReplayResult, WorkflowRegistry } from '@baton/core';
import type { Io } from '../command.js';
import { UsageError } from '../errors.js';
import { inspectReplay, parseInspectAddress } from './inspect-replay.js';
import type { ReplayVerdict } from './replay-check.js';
import { verdictLines } from './replay-report.js';
import { uploadReplayReport } from './report-upload.js';
import type { RunSelection, RunSource } from './run-source.js';

/** Replays the one selected run under the inspector; exits as a check of that run would. */
export async function inspectOne(source: RunSource, selection: RunSelection, registry: WorkflowRegistry, address: string | undefined, io: Io): Promise<number> {
  const where = parseInspectAddress(address);
  for await (const batch of source(selection)) {
    for (const subject of batch) {
      if ('invalid' in subject) throw new UsageError(`${subject.file}: ${subject.invalid}`, 'replay');
      const { run } = subject.input;
      const workflow = registry.get(run.workflow, run.version);
      if (workflow === undefined) throw new UsageError(`workflow '${run.workflow}' version '${run.version}' is not in --workflows: nothing to debug`, 'replay');
      const result = await inspectReplay(workflow, subject.input, where, io);
      const base = { runId: run.id, workflow: run.workflow, version: run.version, status: run.status };
      const verdict: ReplayVerdict = result.ok
        ? { ...base, verdict: 'ok', ended: result.ended, positions: result.positions }
        : { ...base, verdict: 'diverged', positions: result.positions, divergence: result.divergence };
      for (const line of verdictLines(verdict)) io.out(line);
      return result.ok ? 0 : 1;
    }
  }
  throw new UsageError(`run ${selection.runId ?? ''} was not found`, 'replay');
}

/** The verdicts a server keeps: runs replayed, ok or diverged (missing code and unreadable files are not replays). */
export function replayResultsOf(verdicts: readonly ReplayVerdict[]): ReplayResult[] {
  const results: ReplayResult[] = [];
  for (const v of verdicts) {
    if (v.verdict === 'ok') results.push({ runId: v.runId, workflow: v.workflow, version: v.version, positions: v.positions, ok: true, ended: v.ended });
    else if (v.verdict === 'diverged') {
      results.push({ runId: v.runId, workflow: v.workflow, version: v.version, positions: v.positions, ok: false, divergence: v.divergence });
    }
  }
  return results;
}

/** Sends the results to the server; one stderr line says what it kept. */
export async function reportResults(target: { url: string; key?: string }, candidate: string, verdicts: readonly ReplayVerdict[], io: Io): Promise<void> {
  const results = replayResultsOf(verdicts);
  if (results.length === 0) {
    io.err('baton replay: no run was replayed: nothing to report');
    return;
  }
  const upload = await uploadReplayReport({ url: target.url, ...(target.key === undefined ? {} : { key: target.key }), candidate, results });
  const ids = upload.checks.map((c) => c.id).join(', ');
  io.err(`baton replay: reported ${upload.summary.runs} runs (${upload.summary.ok} ok, ${upload.summary.diverged} diverged) as '${candidate}': check ${ids}`);
}
