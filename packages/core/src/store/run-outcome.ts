/**
 * The end a run's finishing write gives it, as the SQL stores put it in a 'finished' hint. Both
 * stores write an ended run the same way (the output of a completed run, the given error of a failed
 * or cancelled one, or the earlier error kept when a cancel gives none), so one rule says what the
 * committed row reads without reading it back.
 */
import type { RunOutcome, RunTransition } from './run-store.js';
import { errorText, parseError } from './sql-rows.js';

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
