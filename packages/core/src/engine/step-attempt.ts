/** One attempt of a step: runs the function with its abort signal, timeout and heartbeat watchdog. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { StepInfo } from '../workflow/workflow-context.js';

export type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface AttemptOptions {
  clock: Clock;
  runId: string;
  step: string;
  seq: number;
  attempt: number;
  idempotencyKey: string;
  timeoutMs?: number;
  heartbeatTimeoutMs?: number;
  /** The run's signal: aborted when the run is cancelled or stops. */
  runSignal: AbortSignal;
}

export function runAttempt(fn: (info: StepInfo) => unknown, options: AttemptOptions): Promise<AttemptResult> {
  const controller = new AbortController();
  const timers: TimerHandle[] = [];
  let heartbeatTimer: TimerHandle | undefined;

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) t.cancel();
      heartbeatTimer?.cancel();
      options.runSignal.removeEventListener('abort', onRunAbort);
      resolve(result);
    };
    const fail = (error: BatonError): void => {
      controller.abort(error);
      finish({ ok: false, error });
    };
    const onRunAbort = (): void => {
      const reason: unknown = options.runSignal.reason;
      controller.abort(reason);
      finish({ ok: false, error: reason });
    };
    if (options.runSignal.aborted) {
      onRunAbort();
      return;
    }
    options.runSignal.addEventListener('abort', onRunAbort, { once: true });

    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      timers.push(
        options.clock.setTimer(ms, () =>
          fail(
            new BatonError(
              ErrorCode.StepTimeout,
              `Step '${options.step}' of run ${options.runId} timed out after ${ms} ms (attempt ${options.attempt}). Raise its timeout or make it faster.`,
              {
                runId: options.runId,
                step: options.step,
              },
            ),
          ),
        ),
      );
    }
    const armHeartbeat = (): void => {
      if (options.heartbeatTimeoutMs === undefined || settled) return;
      const ms = options.heartbeatTimeoutMs;
      heartbeatTimer?.cancel();
      heartbeatTimer = options.clock.setTimer(ms, () =>
        fail(
          new BatonError(
            ErrorCode.StepTimeout,
            `Step '${options.step}' of run ${options.runId} sent no heartbeat for ${ms} ms (attempt ${options.attempt}). Call heartbeat() more often or raise heartbeatTimeout.`,
            {
              runId: options.runId,
              step: options.step,
            },
          ),
        ),
      );
    };
    armHeartbeat();

    const info: StepInfo = {
      signal: controller.signal,
      attempt: options.attempt,
      idempotencyKey: options.idempotencyKey,
      runId: options.runId,
      step: options.step,
      heartbeat: armHeartbeat,
    };
    let pending: unknown;
    try {
      pending = fn(info);
    } catch (error) {
      finish({ ok: false, error });
      return;
    }
    Promise.resolve(pending).then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error }),
    );
  });
}
