/**
 * Moving runs in flight to a new version of their workflow (`client.migrate`). Each candidate's
 * journal is first replayed against the new version's code (replayRun: nothing runs, nothing is
 * written); only a run that replays cleanly moves, and only at a suspension point, through the
 * store's compare-and-set (moveRunVersion), so a run that took a step meanwhile is checked again.
 * The next claim of a moved run is by engines that have the new version: it replays its journal on
 * the new code and goes on from where it stopped, never repeating a journaled step.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { replayRun } from '../replay/replay-run.js';
import type { ReplayDivergence } from '../replay/replay-result.js';
import { isTerminalStatus, RunStatus, type JournalEntry, type RunFilter, type RunRecord } from '../store/records.js';
import type { Store, VersionMoveRefusal } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { assertStorableText } from '../util/text.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';
import type { Auditor } from './auditor.js';
import { checkTags, invalidArgument } from './run-arguments.js';

export interface MigrateOptions {
  workflow: string;
  /** Runs pinned to this version are the candidates. */
  fromVersion: string;
  /** The version to move them to: its code must be among this client's workflows. */
  toVersion: string;
  /** Only these runs (at most 1,000); without it, every run in flight on `fromVersion` that `filter` admits. */
  runIds?: string[];
  filter?: MigrateFilter;
  /** Check only: report what would move and what is refused, and change nothing. */
  dryRun?: boolean;
  /**
   * How long to wait (ms, default 0) for runs that are running to reach their next suspension point:
   * each is checked and moved once it suspends. Runs still running then are skipped.
   */
  waitMs?: number;
}

export interface MigrateFilter {
  /** Only runs in these states (of queued, waiting and running). */
  status?: ('queued' | 'waiting' | 'running')[];
  tag?: string;
  createdAfter?: Date | number;
  createdBefore?: Date | number;
  /** At most this many candidates (default and most 10,000). */
  limit?: number;
}

export interface MigrationResult {
  workflow: string;
  fromVersion: string;
  toVersion: string;
  dryRun: boolean;
  /** Runs moved (or, in a dry run, that would move): their journals replay on the new version. */
  moved: { runId: string; status: RunStatus; positions: number }[];
  /** Runs whose journal the new version cannot replay: left as they are. */
  refused: { runId: string; divergence: ReplayDivergence }[];
  /** Runs not checked or not moved for another reason (running, ended, another version, changing). */
  skipped: { runId: string; reason: string }[];
}

/** How many times a run that changed between its check and its move is checked again. */
const CHECK_ATTEMPTS = 3;
/** How often runs waited for are read again while they run. */
const SUSPENSION_POLL_MS = 100;
const MAX_WAIT_MS = 3_600_000;
const MAX_CANDIDATES = 10_000;
const IN_FLIGHT: RunStatus[] = [RunStatus.Queued, RunStatus.Waiting, RunStatus.Running];
const RUNNING = 'running: try again when it suspends';

const REFUSAL_REASONS: Record<VersionMoveRefusal, string> = {
  notFound: 'not found',
  ended: 'ended',
  running: RUNNING,
  version: 'no longer on the version asked for',
  changed: 'still changing: it took new steps while it was checked; try again',
};

export interface MigrationDeps {
  store: Store;
  clock: Clock;
  codec: PayloadCodec;
  workflows: WorkflowRegistry;
  auditor: Auditor;
}

export async function migrateRuns(deps: MigrationDeps, options: MigrateOptions): Promise<MigrationResult> {
  const target = targetCode(deps.workflows, options);
  const dryRun = options.dryRun === true;
  const result: MigrationResult = {
    workflow: options.workflow,
    fromVersion: options.fromVersion,
    toVersion: options.toVersion,
    dryRun,
    moved: [],
    refused: [],
    skipped: [],
  };
  const namespace = deps.auditor.actor?.namespace;
  for (const candidate of await candidates(deps.store, options, namespace)) {
    if (typeof candidate === 'string') {
      result.skipped.push({ runId: candidate, reason: 'not found' });
      continue;
    }
    const why = notCandidate(candidate, options);
    if (why !== undefined) result.skipped.push({ runId: candidate.id, reason: why });
    else await migrateOne(deps, target, candidate, options, dryRun, result);
  }
  if ((options.waitMs ?? 0) > 0) await awaitSuspensions(deps, target, options, dryRun, result);
  return result;
}

/** Runs skipped because they ran (or kept changing) are read again until they suspend, then checked and moved; until `waitMs` has passed. */
async function awaitSuspensions(deps: MigrationDeps, target: AnyWorkflow, options: MigrateOptions, dryRun: boolean, result: MigrationResult): Promise<void> {
  const deadline = deps.clock.now() + (options.waitMs ?? 0);
  const waiting = (s: { reason: string }): boolean => s.reason === RUNNING || s.reason === REFUSAL_REASONS.changed;
  while (result.skipped.some(waiting) && deps.clock.now() < deadline) {
    await new Promise<void>((resolve) => deps.clock.setTimer(Math.min(SUSPENSION_POLL_MS, deadline - deps.clock.now()), resolve));
    for (const skip of result.skipped.filter(waiting)) {
      const run = await deps.store.getRun(skip.runId);
      if (run?.status === RunStatus.Running) continue;
      result.skipped.splice(result.skipped.indexOf(skip), 1);
      const why = run === undefined ? 'not found' : notCandidate(run, options);
      if (why !== undefined || run === undefined) result.skipped.push({ runId: skip.runId, reason: why ?? 'not found' });
      else await migrateOne(deps, target, run, options, dryRun, result);
    }
  }
}

/** Checks one run against the new code and moves it if it replays, checking again (bounded) when it changed meanwhile. */
async function migrateOne(
  deps: MigrationDeps,
  target: AnyWorkflow,
  first: RunRecord,
  options: MigrateOptions,
  dryRun: boolean,
  result: MigrationResult,
): Promise<void> {
  let run: RunRecord | undefined = first;
  for (let attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
    const journal: JournalEntry[] = await deps.store.getJournal(run.id);
    const replay = await replayRun(target, { run, journal }, { codec: deps.codec, clock: deps.clock });
    if (!replay.ok) {
      result.refused.push({ runId: run.id, divergence: replay.divergence });
      return;
    }
    if (dryRun) {
      result.moved.push({ runId: run.id, status: run.status, positions: replay.positions });
      return;
    }
    const seen = { updatedAt: run.updatedAt, journalLength: journal.length, lastSeq: journal.reduce((max, e) => Math.max(max, e.seq), 0) };
    const audit = deps.auditor.entry('run.migrate', run.id, { workflow: options.workflow, fromVersion: options.fromVersion, toVersion: options.toVersion });
    const outcome = await deps.store.moveRunVersion(
      { runId: run.id, fromVersion: options.fromVersion, toVersion: options.toVersion, seen },
      deps.clock.now(),
      audit,
    );
    if (outcome.moved) {
      result.moved.push({ runId: run.id, status: outcome.run.status, positions: replay.positions });
      return;
    }
    if (outcome.reason !== 'changed' || attempt === CHECK_ATTEMPTS) {
      result.skipped.push({ runId: run.id, reason: REFUSAL_REASONS[outcome.reason] });
      return;
    }
    run = await deps.store.getRun(run.id);
    const why = run === undefined ? 'not found' : notCandidate(run, options);
    if (why !== undefined || run === undefined) {
      result.skipped.push({ runId: first.id, reason: why ?? 'not found' });
      return;
    }
  }
}

/** The new version's code, once the arguments are checked. */
function targetCode(workflows: WorkflowRegistry, options: MigrateOptions): AnyWorkflow {
  if (typeof options !== 'object' || options === null) throw invalidArgument('migrate() needs { workflow, fromVersion, toVersion }.');
  for (const field of ['workflow', 'fromVersion', 'toVersion'] as const) {
    const value = options[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw invalidArgument(`migrate() needs ${field}: 1-200 characters.`);
    assertStorableText(value, field);
  }
  if (options.fromVersion === options.toVersion) throw invalidArgument(`fromVersion and toVersion are both '${options.toVersion}': nothing to move.`);
  if (
    options.waitMs !== undefined &&
    (typeof options.waitMs !== 'number' || !Number.isFinite(options.waitMs) || options.waitMs < 0 || options.waitMs > MAX_WAIT_MS)
  ) {
    throw invalidArgument(`waitMs must be a number of milliseconds from 0 to ${MAX_WAIT_MS}.`);
  }
  if (options.runIds !== undefined && options.filter !== undefined) {
    throw invalidArgument('migrate() takes runIds or a filter, not both: name the runs, or say which runs in flight to take.');
  }
  if (options.runIds !== undefined) {
    if (!Array.isArray(options.runIds) || options.runIds.length === 0 || options.runIds.length > 1000) {
      throw invalidArgument('runIds must be a list of 1-1000 run ids.');
    }
    for (const id of options.runIds) {
      if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw invalidArgument('Each run id must be 1-200 characters.');
      assertStorableText(id, 'run id');
    }
  }
  const code = workflows.get(options.workflow, options.toVersion);
  if (code === undefined) {
    const known = workflows
      .list()
      .filter((w) => w.name === options.workflow)
      .map((w) => `'${w.version}'`);
    throw new BatonError(
      ErrorCode.WorkflowVersionNotLoaded,
      `This process does not have the code of workflow '${options.workflow}' version '${options.toVersion}' (${known.length === 0 ? 'it has no version of it' : `it has ${known.join(', ')}`}), so it cannot check runs against it. Move runs from a process that loads the new code: \`baton migrate --workflows PATH\`, or a server started with --workflows (baton dev / baton start).`,
      { retryable: false, details: { workflow: options.workflow, version: options.toVersion } },
    );
  }
  return code;
}

/** Why a run is not one to check, or undefined when it is. */
function notCandidate(run: RunRecord, options: MigrateOptions): string | undefined {
  if (run.workflow !== options.workflow) return `a run of workflow '${run.workflow}'`;
  if (isTerminalStatus(run.status)) return 'ended';
  if (run.version !== options.fromVersion) return run.version === '' ? 'not started yet: it runs on the current version' : `on version '${run.version}'`;
  if (run.status === RunStatus.Running) return RUNNING;
  if (run.cancelRequested) return 'being cancelled';
  return undefined;
}

/** The runs named (an id not found stays a string), or those in flight on `fromVersion` that the filter admits. */
async function candidates(store: Store, options: MigrateOptions, namespace: string | undefined): Promise<(RunRecord | string)[]> {
  if (options.runIds !== undefined) {
    const out: (RunRecord | string)[] = [];
    for (const id of new Set(options.runIds)) {
      const run = await store.getRun(id);
      out.push(run === undefined || (namespace !== undefined && run.namespace !== namespace) ? id : run);
    }
    return out;
  }
  const f = options.filter ?? {};
  const limit = f.limit ?? MAX_CANDIDATES;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CANDIDATES)
    throw invalidArgument(`filter.limit must be a whole number from 1 to ${MAX_CANDIDATES}.`);
  const status = f.status ?? IN_FLIGHT;
  if (!Array.isArray(status) || status.length === 0 || !status.every((s) => IN_FLIGHT.includes(s))) {
    throw invalidArgument('filter.status must be a list of queued, waiting and running.');
  }
  const filter: RunFilter = { workflow: options.workflow, status, limit: 1000 };
  if (namespace !== undefined) filter.namespace = namespace;
  if (f.tag !== undefined) filter.tag = checkTags([f.tag])[0]!;
  if (f.createdAfter !== undefined) filter.createdAfter = time(f.createdAfter, 'createdAfter');
  if (f.createdBefore !== undefined) filter.createdBefore = time(f.createdBefore, 'createdBefore');
  const out: RunRecord[] = [];
  for (;;) {
    const page = await store.listRuns(filter);
    for (const run of page.runs) if (run.version === options.fromVersion && out.length < limit) out.push(run);
    if (page.nextCursor === undefined || out.length >= limit) return out;
    filter.cursor = page.nextCursor;
  }
}

function time(value: Date | number, what: string): number {
  const t = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw invalidArgument(`filter.${what} must be a Date or a time in ms.`);
  return t;
}
