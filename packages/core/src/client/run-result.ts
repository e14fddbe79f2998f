/**
 * Waiting for runs to end (`client.result`): reads the run until it is over, following continueAsNew
 * to the last run of the chain. A store with local notifications wakes a waiter as soon as the run
 * ends; polls with a growing delay are the backstop for runs ended by other processes. The deadline
 * is real time (a caller's patience), not the engine's clock.
 */
import { BatonError, ErrorCode, isBatonError } from '../errors/errors.js';
import { fromStoredError } from '../engine/stored-errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { isTerminalStatus, type RunRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { runNotFound } from '../store/store-rules.js';

export interface ResultOptions {
  /** Give up waiting (BATON_TIMEOUT) after this many ms of real time. */
  timeoutMs?: number;
  /** Stops waiting when aborted, throwing its reason (the run goes on). */
  signal?: AbortSignal;
}

/** The result waiters of one client, sharing one subscription to the store's hints. */
export class RunResults {
  readonly #store: Store;
  readonly #codec: PayloadCodec;
  /** Callers of result() waiting for a run to end, woken by the store's local hints. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store, codec: PayloadCodec) {
    this.#store = store;
    this.#codec = codec;
  }

  /** The run's output once it ends (see `Client.result`); throws its error. */
  async result<O>(runId: string, options: ResultOptions): Promise<O> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    const local = this.#store.capabilities.localNotifications;
    let id = runId;
    // Watch before reading, so an end that happens in between is not missed.
    let watch = this.#watch(id);
    try {
      // With local notices the polls are only a backstop (for runs ended by other processes).
      let delay = local ? 25 : 2;
      for (;;) {
        options.signal?.throwIfAborted();
        const run = await this.#store.getRun(id);
        if (run === undefined) throw runNotFound(id);
        if (run.status === 'completed' && run.continuedTo !== undefined) {
          watch.close();
          id = run.continuedTo;
          watch = this.#watch(id);
          continue;
        }
        if (isTerminalStatus(run.status)) {
          if (run.status === 'completed') return this.#codec.decode(run.output) as O;
          throw this.#runError(run);
        }
        if (deadline !== undefined && Date.now() >= deadline) {
          throw new BatonError(
            ErrorCode.Timeout,
            `Run ${id} did not end within ${options.timeoutMs} ms (it is ${run.status}). Wait longer or check its journal.`,
            { runId: id },
          );
        }
        await watch.wait(deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - Date.now())), options.signal);
        delay = Math.min(delay * 2, 250);
      }
    } finally {
      watch.close();
    }
  }

  /** Watches a run for the store's local "finished" notice; `wait` returns early once it came. */
  #watch(runId: string): { wait(ms: number, signal?: AbortSignal): Promise<void>; close(): void } {
    let fired = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      fired = true;
      wake?.();
    };
    if (this.#store.capabilities.localNotifications) {
      this.#unsubscribe ??= this.#store.subscribe((hint) => {
        if (hint.type !== 'finished') return;
        // '*' is a store's "some runs ended, look again" (too many to name one by one).
        const waiters = hint.runId === '*' ? [...this.#waiters.values()].flatMap((set) => [...set]) : [...(this.#waiters.get(hint.runId) ?? [])];
        for (const waiter of waiters) waiter();
      });
      let set = this.#waiters.get(runId);
      if (set === undefined) this.#waiters.set(runId, (set = new Set()));
      set.add(notify);
    }
    return {
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (fired || signal?.aborted === true) {
            fired = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, ms);
          signal?.addEventListener('abort', done, { once: true });
          function done(): void {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            wake = undefined;
            fired = false;
            resolve();
          }
          wake = done;
        }),
      close: () => {
        const set = this.#waiters.get(runId);
        set?.delete(notify);
        if (set?.size === 0) this.#waiters.delete(runId);
      },
    };
  }

  #runError(run: RunRecord): Error {
    const error = fromStoredError(
      this.#codec,
      run.error ?? (run.status === 'cancelled' ? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${run.id} was cancelled.` } : undefined),
    );
    if (isBatonError(error)) return error;
    return new BatonError(ErrorCode.WorkflowError, `Run ${run.id} of '${run.workflow}' ${run.status}: ${error.message}`, {
      runId: run.id,
      retryable: false,
      cause: error,
    });
  }

  /** Stops listening to the store (waiting goes on by polling). */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
