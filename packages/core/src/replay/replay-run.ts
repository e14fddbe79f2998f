/**
 * The replay check: runs a workflow's code over a run's journal as a new execution would, without
 * running any step or writing anything, and says whether the code still takes the journal's path.
 *
 * It uses the executor's own replay (journal-cursor.ts, workflow-operations.ts) in its replay-only
 * mode: journaled operations answer their recorded results, anything past the journal waits forever,
 * and an operation other than the one journaled at a position is the divergence. The code has reached
 * its frontier once a turn of the event loop passes with no new position taken.
 */
import { isBatonError } from '../errors/errors.js';
import { validate } from '../errors/validation.js';
import { RunState } from '../engine/run-state.js';
import { createWorkflowContext } from '../engine/workflow-operations.js';
import type { JournalEntry, RunRecord, StepRetryRecord } from '../store/records.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { Clock } from '../time/clock.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import { replayEnvironment } from './replay-environment.js';
import type { ReplayDivergence, ReplayResult } from './replay-result.js';
import { withDeepStacks, workflowSource } from './replay-source.js';

/** What a check needs of a run: its record (input, waits) and its journal. */
export interface ReplayInput {
  run: RunRecord;
  journal: JournalEntry[];
  /** Failed attempts of steps still being retried (positions the run had reached). */
  stepRetries?: StepRetryRecord[];
}

export interface ReplayOptions {
  codec?: PayloadCodec;
  /** The clock `ctx.now()` reads past the journal's end (nothing waits on it). */
  clock?: Clock;
  /** Called at each journaled position the code goes through, before its result is answered. */
  onReplayed?: (seq: number, entry: JournalEntry) => void;
  /**
   * When code neither settles nor reaches the journal's end, the event-loop turns and the time with no
   * new position after which it is taken to be stuck (default 10 turns and 2,000 ms).
   */
  stallTurns?: number;
  stallMs?: number;
}

const NEVER_SETTLED = Symbol('pending');

/** Replays `input.run`'s journal against `workflow` and reports the first divergence, if any. */
export function replayRun(workflow: AnyWorkflow, input: ReplayInput, options: ReplayOptions = {}): Promise<ReplayResult> {
  return withDeepStacks(() => check(workflow, input, options));
}

async function check(workflow: AnyWorkflow, input: ReplayInput, options: ReplayOptions): Promise<ReplayResult> {
  const env = replayEnvironment(options);
  const { run } = input;
  const base = { runId: run.id, workflow: run.workflow, version: workflow.version };
  const state = new RunState(
    env,
    { run: { ...run }, leaseToken: '', journal: input.journal, signals: [], signalHorizon: 0, stepRetries: input.stepRetries ?? [], children: [] },
    workflow,
  );
  state.mode = 'collect';
  state.settle = () => {};
  state.cursor.onReplayed = options.onReplayed;
  const diverged = (divergence: ReplayDivergence): ReplayResult => ({ ...base, ok: false, positions: state.cursor.taken, divergence });

  let value: unknown;
  try {
    value = env.codec.decode(run.input);
    const schema = workflow.options.input;
    if (schema !== undefined) value = validate(schema, value, state.validation('BATON_INVALID_INPUT', 'input'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return diverged({ seq: 0, journaled: 'the run’s input', requested: 'an input this code accepts', code: 'BATON_INVALID_INPUT', message });
  }

  const ctx = createWorkflowContext(state);
  let settled: { ok: true; value: unknown } | { ok: false; error: unknown } | typeof NEVER_SETTLED = NEVER_SETTLED;
  try {
    Promise.resolve(workflow.fn(ctx, value)).then(
      (v) => (settled = { ok: true, value: v }),
      (error: unknown) => (settled = { ok: false, error }),
    );
  } catch (error) {
    settled = { ok: false, error };
  }
  // Journaled operations answer in microtasks, but code may await other things between them (a
  // definition's expressions are evaluated in batches): the check waits until the code has gone
  // through every known position and waits past the journal, or settles. Code that does neither
  // and takes no new position for a while waits for something the engine never gives.
  const stall = { turns: options.stallTurns ?? 10, ms: options.stallMs ?? 2000 };
  let taken = -1;
  let still = 0;
  let since = Date.now();
  while (settled === NEVER_SETTLED && state.divergence === undefined && !(state.pastJournalWaits > 0 && state.cursor.reachedKnown)) {
    await new Promise((resolve) => setImmediate(resolve));
    if (state.cursor.taken !== taken) {
      taken = state.cursor.taken;
      still = 0;
      since = Date.now();
    } else if (++still >= stall.turns && Date.now() - since >= stall.ms) {
      break;
    }
  }
  state.mode = 'stopped';

  const nd = state.divergence ?? (settled !== NEVER_SETTLED && !settled.ok && isNonDeterminism(settled.error) ? settled.error : undefined);
  if (nd !== undefined) return diverged(fromNonDeterminism(nd));
  const unvisited = state.cursor.unvisited();
  if (unvisited !== undefined) {
    const journaled = `${unvisited.kind} '${unvisited.name}'`;
    const requested =
      settled === NEVER_SETTLED
        ? 'nothing: the code waits before reaching it'
        : settled.ok
          ? 'nothing: the workflow returned before reaching it'
          : `nothing: the workflow threw before reaching it (${errorText(settled.error)})`;
    const divergence: ReplayDivergence = {
      seq: unvisited.seq,
      journaled,
      requested,
      code: 'BATON_NON_DETERMINISM',
      message: `At position ${unvisited.seq} the journal holds ${journaled} but the code asks for ${requested}.`,
    };
    const source = settled !== NEVER_SETTLED && !settled.ok ? workflowSource((settled.error as Error | undefined)?.stack) : undefined;
    if (source !== undefined) divergence.source = source;
    return diverged(divergence);
  }
  const ended = settled === NEVER_SETTLED ? 'frontier' : settled.ok ? 'returned' : 'threw';
  return { ...base, ok: true, positions: state.cursor.taken, ended };
}

function isNonDeterminism(error: unknown): boolean {
  return isBatonError(error) && error.code === 'BATON_NON_DETERMINISM';
}

function fromNonDeterminism(error: unknown): ReplayDivergence {
  const e = error as { message: string; stack?: string; details?: Record<string, unknown> };
  const details = e.details ?? {};
  const divergence: ReplayDivergence = {
    seq: typeof details.seq === 'number' ? details.seq : 0,
    journaled: typeof details.journaled === 'string' ? details.journaled : 'unknown',
    requested: typeof details.requested === 'string' ? details.requested : 'unknown',
    code: 'BATON_NON_DETERMINISM',
    message: e.message,
  };
  const source = workflowSource(e.stack);
  if (source !== undefined) divergence.source = source;
  return divergence;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
