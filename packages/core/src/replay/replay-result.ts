/** What a replay check says of one run: it replays, or where the code first parts from its journal. */

/** Where the code first asked for something other than what the run's journal holds. */
export interface ReplayDivergence {
  /** The journal position (1-based); 0 when the run's input no longer fits the code. */
  seq: number;
  /** What the journal holds there, e.g. `step 'charge-card'`, or `nothing`. */
  journaled: string;
  /** What the code asks for there, e.g. `step 'refund'`, or what it did instead. */
  requested: string;
  /** A stable code: BATON_NON_DETERMINISM, or BATON_INVALID_INPUT when the input no longer fits. */
  code: string;
  message: string;
  /** `file:line:column` of the workflow code that asked, when the stack shows it. */
  source?: string;
}

/** How the code stopped when it replayed cleanly. */
export type ReplayEnd =
  /** The body returned: the run's journal is a complete history of this code. */
  | 'returned'
  /** The body threw (a journaled failure it did not catch, or its own error after the journal). */
  | 'threw'
  /** The body waits past the journal's end: new work a live execution would now do. */
  | 'frontier';

interface ReplayedRun {
  runId: string;
  workflow: string;
  /** The version of the code the run was replayed against. */
  version: string;
  /** Journal positions the code went through. */
  positions: number;
}

export type ReplayResult = (ReplayedRun & { ok: true; ended: ReplayEnd }) | (ReplayedRun & { ok: false; divergence: ReplayDivergence });
