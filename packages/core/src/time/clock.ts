/**
 * The injectable clock. Engine logic never calls Date.now() or setTimeout directly: it asks its
 * clock, so tests drive timers, timeouts and back-offs with a ManualClock instead of sleeping.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once `ms` have passed on this clock. */
  setTimer(ms: number, callback: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    // setTimeout's maximum delay is 2^31-1 ms; longer timers re-arm.
    const max = 2_147_483_647;
    let handle: NodeJS.Timeout;
    const arm = (remaining: number): void => {
      handle = setTimeout(() => (remaining > max ? arm(remaining - max) : callback()), Math.min(remaining, max));
      handle.unref?.();
    };
    arm(Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

interface ManualTimer {
  at: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to. `advance` fires due timers in time order. */
export class ManualClock implements Clock {
  #now: number;
  #timers: ManualTimer[] = [];
  #order = 0;

  constructor(start: number | Date = Date.UTC(2030, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: ManualTimer = { at: this.#now + Math.max(0, ms), order: this.#order++, callback, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Number of timers still pending. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** When the earliest pending timer is due (undefined when none is pending): where skipping time would go next. */
  get nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.#timers) if (!t.cancelled && (next === undefined || t.at < next)) next = t.at;
    return next;
  }

  /** Moves time forward by `ms`, firing each due timer at its own time, in order. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Moves time to `to` (never backwards), firing due timers in order. */
  set(to: number | Date): void {
    const target = typeof to === 'number' ? to : to.getTime();
    for (;;) {
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.#timers[0];
      if (next === undefined || next.at > target) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = Math.max(this.#now, target);
  }
}
