/**
 * When a suspending run began to wait at each of its pending positions. A position that was already
 * pending when the run was last claimed (the signal wait an escalation stage woke the run beside)
 * keeps the time it was first recorded; a signal wait with an escalation policy began when its
 * escalation says (the time its stages count from); a new one starts now. The earliest of them is the
 * run's `waits.since`, which the stuck-waiting alert and the inbox count from.
 */
import type { PendingOperation, RunWaits, WaitEscalation } from '../store/records.js';
import type { Wait } from './run-state.js';

export function pendingSince(
  previous: RunWaits | undefined,
  waits: ReadonlyMap<number, Wait>,
  escalations: ReadonlyMap<number, WaitEscalation>,
  now: number,
): PendingOperation[] {
  const before = new Map((previous?.pending ?? []).map((p) => [p.seq, p]));
  return [...waits].map(([seq, wait]) => {
    const old = before.get(seq);
    const kept = old !== undefined && old.kind === wait.op.kind && old.name === wait.op.name ? (old.since ?? previous?.since) : undefined;
    return { seq, ...wait.op, since: escalations.get(seq)?.began ?? kept ?? now };
  });
}
