/**
 * The end a run's finishing write gives it, as the SQL stores put it in a 'finished' hint. Both
 * stores write an ended run the same way (the output of a completed run, the given error of a failed
 * or cancelled one, or the earlier error kept when a cancel gives none), so one rule says what the
 * committed row reads without reading it back.
 */
import type { RunOutcome, RunTransition, StoreHint } from './run-store.js';
import { errorText, parseError } from './sql-rows.js';

/** A transition that ends the run. */
export type EndingTransition = Extract<RunTransition, { kind: 'complete' | 'fail' | 'cancel' | 'continue' }>;

/** True when `transition` ends the run (rather than suspending or releasing it). */
export function endsRun(transition: RunTransition): transition is EndingTransition {
  return transition.kind === 'complete' || transition.kind === 'fail' || transition.kind === 'cancel' || transition.kind === 'continue';
}

/** The status a run ends with: a run continued as new counts as completed. */
export function endStatus(transition: EndingTransition): RunOutcome['status'] {
  return transition.kind === 'complete' || transition.kind === 'continue' ? 'completed' : transition.kind === 'fail' ? 'failed' : 'cancelled';
}

/**
 * The local 'finished' hint for a run that `transition` ended, with its outcome when the store wrote
 * all of it. Stores deliver hints only once the commit has returned, so a waiter may take the
 * outcome as durable.
 */
export function finishedHint(runId: string, transition: EndingTransition): StoreHint {
  const outcome = finishedOutcome(transition);
  return { type: 'finished', runId, status: endStatus(transition), ...(outcome === undefined ? {} : { outcome }) };
}

/**
 * The committed end of a run that `transition` finished, or undefined when the transition does not
 * end the run or the row keeps something the transition does not hold (a cancel without an error
 * keeps the run's earlier one). The error goes through its stored text, as a read would return it.
 */
export function finishedOutcome(transition: RunTransition): RunOutcome | undefined {
  switch (transition.kind) {
    case 'complete':
      return { status: 'completed', output: transition.output };
    case 'continue':
      return { status: 'completed', continuedTo: transition.nextRunId };
    case 'fail':
      return { status: 'failed', error: parseError(errorText(transition.error))! };
    case 'cancel':
      return transition.error === undefined ? undefined : { status: 'cancelled', error: parseError(errorText(transition.error))! };
    default:
      return undefined;
  }
}
