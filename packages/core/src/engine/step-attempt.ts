/** One attempt of a step: runs the function with its abort signal, timeout and heartbeat watchdog. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { StepInfo } from '../workflow/workflow-context.js';

export type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface AttemptOptions<I = unknown> {
  clock: Clock;
  runId: string;
  step: string;
  attempt: number;
  idempotencyKey: string;
  /** What the step works on (`info.input`). */
  input?: I;
  timeoutMs?: number;
  heartbeatTimeoutMs?: number;
}

/** A running attempt; `abort` fails it at once and aborts its signal. */
export interface Attempt {
  readonly result: Promise<AttemptResult>;
  abort(reason: unknown): void;
}

export function startAttempt<I>(fn: (info: StepInfo<I>) => unknown, options: AttemptOptions<I>): Attempt {
  // The AbortController is made only if the step reads `signal`: most steps never do, and a
  // controller with listeners per attempt is a measurable share of a trivial step's cost.
  let controller: AbortController | undefined;
  let abortReason: unknown;
  let aborted = false;
  let timer: TimerHandle | undefined;
  let heartbeatTimer: TimerHandle | undefined;
  let settled = false;
  let resolve!: (result: AttemptResult) => void;
  const result = new Promise<AttemptResult>((r) => (resolve = r));

  const finish = (outcome: AttemptResult): void => {
    if (settled) return;
    settled = true;
    timer?.cancel();
    heartbeatTimer?.cancel();
    resolve(outcome);
  };
  const abort = (reason: unknown): void => {
    if (!aborted) {
      aborted = true;
      abortReason = reason;
      controller?.abort(reason);
    }
    finish({ ok: false, error: reason });
  };
  const timeoutError = (what: string): BatonError =>
    new BatonError(ErrorCode.StepTimeout, `Step '${options.step}' of run ${options.runId} ${what} (attempt ${options.attempt}).`, {
      runId: options.runId,
      step: options.step,
    });

  if (options.timeoutMs !== undefined) {
    const ms = options.timeoutMs;
    timer = options.clock.setTimer(ms, () => abort(timeoutError(`timed out after ${ms} ms; raise its timeout or make it faster`)));
  }
  const heartbeat = (): void => {
    if (options.heartbeatTimeoutMs === undefined || settled) return;
    const ms = options.heartbeatTimeoutMs;
    heartbeatTimer?.cancel();
    heartbeatTimer = options.clock.setTimer(ms, () =>
      abort(timeoutError(`sent no heartbeat for ${ms} ms; call heartbeat() more often or raise heartbeatTimeout`)),
    );
  };
  heartbeat();

  const info: StepInfo<I> = {
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        if (aborted) controller.abort(abortReason);
      }
      return controller.signal;
    },
    attempt: options.attempt,
    idempotencyKey: options.idempotencyKey,
    runId: options.runId,
    step: options.step,
    // A step given no input sees undefined.
    input: options.input as I,
    heartbeat,
  };
  try {
    const pending = fn(info);
    if (pending instanceof Promise || (typeof pending === 'object' && pending !== null && typeof (pending as { then?: unknown }).then === 'function')) {
      (pending as PromiseLike<unknown>).then(
        (value) => finish({ ok: true, value }),
        (error: unknown) => finish({ ok: false, error }),
      );
    } else {
      finish({ ok: true, value: pending });
    }
  } catch (error) {
    finish({ ok: false, error });
  }
  return { result, abort };
}
