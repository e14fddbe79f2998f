/**
 * "Run now": a schedule starts its run at once, outside its ticks, as a tick would (same input,
 * queue, priority and limits, and an id `<schedule>@<now>`), respecting its overlap policy:
 * 'skip' refuses while the schedule's last run goes on, 'buffer' holds the new run until the last
 * one ends (and refuses when a run already waits its turn), 'allow' starts it side by side. The
 * schedule keeps its next tick; its last run becomes the new one, so the next tick's overlap check
 * sees it. A paused schedule is refused: resume it, or start a run of its workflow.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { tickRun } from '../engine/scheduler.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { isTerminalStatus } from '../store/records.js';
import type { AuditEntry } from '../store/activity.js';
import { scheduleNotFound } from '../store/sql-rows.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';

/** Firings that lost a race with a tick (which moved the schedule on) are tried again this often. */
const ATTEMPTS = 5;

export interface RunNowResult {
  runId: string;
  /** For 'buffer': the schedule's run the new one waits for. */
  heldAfter?: string;
}

export async function runScheduleNow(
  deps: { store: Store; clock: Clock; workflows: WorkflowRegistry; codec: PayloadCodec; namespace: string | undefined },
  id: string,
  audit: (runId: string) => AuditEntry | undefined,
): Promise<RunNowResult> {
  const { store } = deps;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Only the acting namespace's schedule (another's is not found).
    const schedule = await store.getSchedule(id, deps.namespace);
    if (schedule === undefined) throw scheduleNotFound(id);
    if (schedule.paused || schedule.nextAt === undefined) {
      throw new BatonError(ErrorCode.SchedulePaused, `Schedule '${id}' is paused: resume it first, or start a run of '${schedule.workflow}' directly.`, {
        retryable: false,
      });
    }
    const last = schedule.lastRunId === undefined ? undefined : await store.getRun(schedule.lastRunId);
    const active = last !== undefined && !isTerminalStatus(last.status);
    if (active && schedule.overlap === 'skip') {
      throw new BatonError(
        ErrorCode.ScheduleBusy,
        `Schedule '${id}' skips a run while its last run '${last.id}' is ${last.status} (overlap 'skip'): wait for it to end, or change the overlap policy.`,
        { retryable: false, details: { lastRunId: last.id } },
      );
    }
    if (active && schedule.overlap === 'buffer' && last.status === 'queued' && last.claims === 0) {
      throw new BatonError(
        ErrorCode.ScheduleBusy,
        `Schedule '${id}' already has a run waiting its turn ('${last.id}', overlap 'buffer'): it keeps one at most.`,
        { retryable: false, details: { lastRunId: last.id } },
      );
    }
    const now = deps.clock.now();
    const { run } = tickRun(schedule, now, deps.workflows, deps.codec);
    const heldAfter = active && schedule.overlap === 'buffer' ? last.id : undefined;
    const entry = audit(run.id);
    const fired = await store.fireSchedule(
      {
        id,
        expectedNextAt: schedule.nextAt,
        nextAt: schedule.nextAt,
        lastRunId: run.id,
        runs: [run],
        holds: heldAfter === undefined ? [] : [{ runId: run.id, after: heldAfter }],
        ...(entry === undefined ? {} : { audit: entry }),
      },
      now,
    );
    if (fired) return { runId: run.id, ...(heldAfter === undefined ? {} : { heldAfter }) };
  }
  throw new BatonError(ErrorCode.ScheduleBusy, `Schedule '${id}' kept ticking while its run was being started: try again.`, { retryable: true });
}
