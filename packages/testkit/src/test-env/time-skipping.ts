/**
 * Time skipping: the engine of a test environment runs on a ManualClock, and when the engine has
 * nothing in hand (no run executing, no claim, schedule pass or commit under way: `engine.idle`),
 * the clock jumps to the next thing due: the earliest wake-up the store holds for a waiting run or
 * a schedule; the engine's own timer for it fires and the run is claimed. Idleness is read from the engine's state, never guessed
 * from elapsed time; real time only bounds how long a test waits for a run that cannot end.
 */
import { BatonError, ErrorCode, isTerminalStatus, type Engine, type ManualClock, type RunRecord } from '@baton/core';

/** Consecutive event-loop turns the engine must be idle for before it counts as settled. */
const IDLE_TURNS = 3;

export interface SkipOptions {
  /** Real-time limit, in ms, of waiting for the engine while a run is executing. */
  timeoutMs: number;
}

export class TimeSkipper {
  readonly #engine: Engine;
  readonly #clock: ManualClock;

  constructor(engine: Engine, clock: ManualClock) {
    this.#engine = engine;
    this.#clock = clock;
  }

  /**
   * Waits until the engine is idle for a few turns in a row. Returns false when `deadline` (real
   * time) passes first: something is still executing.
   */
  async settle(deadline: number): Promise<boolean> {
    let idleTurns = 0;
    while (idleTurns < IDLE_TURNS) {
      if (this.#engine.idle) {
        idleTurns++;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      idleTurns = 0;
      if (Date.now() > deadline) return false;
      // A timer already due (a zero-length back-off) fires without moving time.
      const next = this.#clock.nextTimerAt;
      if (next !== undefined && next <= this.#clock.now()) this.#clock.set(this.#clock.now());
      // Work under way waits on the store or on step functions: give them real time, not a spin.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return true;
  }

  /**
   * The next time something is due after now: the earliest wake-up of a waiting run (its timer, its
   * signal's timeout, its retry back-off) or schedule tick, as the store holds them. The clock's own
   * timers are not counted: some of them (the lease heartbeat) re-arm forever and are due to nothing.
   */
  async nextWake(): Promise<number | undefined> {
    const now = this.#clock.now();
    const store = this.#engine.store;
    const candidates = [await store.nextWakeAt(this.#engine.workflows.refs(), now), await store.nextScheduleAt()];
    const due = candidates.filter((at): at is number => at !== undefined && at > now);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  /**
   * Moves the clock forward by `ms`, stopping at every timer on the way so the engine reacts to each
   * before time moves on (a run that wakes on day 1 and sleeps again until day 2 does both). The
   * engine is given until `deadline` to settle before each jump; past it, time moves anyway (steps
   * in memory may be waiting on the clock themselves: a step timeout, a compensation's back-off).
   */
  async advance(ms: number, deadline: number): Promise<void> {
    const target = this.#clock.now() + ms;
    for (;;) {
      await this.settle(deadline);
      const next = await this.nextWake();
      if (next === undefined || next > target) break;
      this.#clock.set(next);
    }
    this.#clock.set(target);
    await this.settle(deadline);
  }

  /**
   * Skips time until the run ends; returns its record then (for a run that continued as new, the last
   * run of the chain). Throws when it cannot end by skipping time: it waits for a signal or an event
   * with no timeout and nothing else is due, or it is still executing at `deadline`.
   */
  async untilEnded(runId: string, options: SkipOptions): Promise<RunRecord> {
    const deadline = Date.now() + options.timeoutMs;
    let id = runId;
    for (;;) {
      const settled = await this.settle(deadline);
      const run = await this.#engine.store.getRun(id);
      if (run === undefined) throw new BatonError(ErrorCode.RunNotFound, `No run ${id}.`, { runId: id, retryable: false });
      if (isTerminalStatus(run.status)) {
        if (run.status === 'completed' && run.continuedTo !== undefined) {
          id = run.continuedTo;
          continue;
        }
        return run;
      }
      if (!settled) throw stalled(run, options.timeoutMs, this.#engine.activeRuns);
      const next = await this.nextWake();
      // Only the test can end these waits: skipping to timers of other runs would not help this one.
      if (next === undefined || waitsOnlyForTheTest(run)) throw stuck(run);
      this.#clock.set(next);
    }
  }
}

/** A waiting run with no wake-up of its own and no child run to wait for: a signal or an event must come. */
function waitsOnlyForTheTest(run: RunRecord): boolean {
  return run.status === 'waiting' && run.wakeAt === undefined && (run.waits?.children.length ?? 0) === 0;
}

/** What a waiting run waits for, in words: `signal 'approve'`, `event 'payment.received'`, `child run x`. */
export function describeWaits(run: RunRecord): string {
  const parts: string[] = [];
  for (const name of run.waits?.signals ?? []) {
    const event = /^\$event:(.*)#\d+$/.exec(name);
    parts.push(event === null ? `signal '${name}'` : `event '${event[1]}'`);
  }
  for (const child of run.waits?.children ?? []) parts.push(`child run ${child}`);
  return parts.length === 0 ? 'nothing recorded' : parts.join(', ');
}

function stuck(run: RunRecord): BatonError {
  const what =
    run.status === 'waiting'
      ? `waits for ${describeWaits(run)} with no timeout`
      : `is ${run.status} and no engine of this environment can take it (is its workflow in the environment's workflows?)`;
  return new BatonError(
    ErrorCode.Timeout,
    `Run ${run.id} of '${run.workflow}' ${what}, and nothing else is due: skipping time cannot end it. Send what it waits for (env.signal, env.emit) before asking for its result.`,
    { runId: run.id, retryable: false, details: { status: run.status, waitingFor: run.waits?.signals ?? [] } },
  );
}

function stalled(run: RunRecord, timeoutMs: number, executing: number): BatonError {
  return new BatonError(
    ErrorCode.Timeout,
    `Run ${run.id} of '${run.workflow}' did not end within ${timeoutMs} ms of real time: ${executing} run(s) still executing (a step that never settles, or an in-memory wait on the clock such as a compensation's retry back-off: move time with env.advance()).`,
    { runId: run.id, retryable: false, details: { status: run.status } },
  );
}
