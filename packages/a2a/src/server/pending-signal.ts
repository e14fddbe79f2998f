/**
 * Whether a run that waits for a signal has it already: a reply that reached the store, which the
 * run takes up as soon as a worker resumes it. Until then the run still reads as waiting for it, but
 * its task needs no more input: it is `working`, and a second reply is refused rather than kept for
 * a later wait.
 */
import type { RunInfo, Store } from '@baton/core';
import { waitedSignals } from './task-view.js';

/** Where the signals a run has not taken up yet are read. */
export type PendingSignals = Pick<Store, 'getSignals'>;

/** The name of a signal `run` waits for and has, not taken up yet; undefined when there is none (or no store to ask). */
export async function pendingSignal(signals: PendingSignals | undefined, run: RunInfo): Promise<string | undefined> {
  const waits = waitedSignals(run);
  if (signals === undefined || waits.length === 0) return undefined;
  const pending = await signals.getSignals(run.id);
  return pending.find((signal) => waits.includes(signal.name))?.name;
}
