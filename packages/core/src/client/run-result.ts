/**
 * Waiting for runs to end (`client.result`): reads the run until it is over, following continueAsNew
 * to the last run of the chain. A store with local notifications wakes a waiter as soon as the run
 * ends, and when the hint carries the committed outcome (the run ended in this process) the waiter
 * takes it without reading the run; runs that completed here lately are remembered for a caller that
 * asks after the end. Polls with a growing delay are the backstop for runs ended by other processes
 * and for lost hints. The deadline is real time (a caller's patience), not the engine's clock.
 */
import { BatonError, ErrorCode, isBatonError } from '../errors/errors.js';
import { fromStoredError } from '../engine/stored-errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { isTerminalStatus, type RunStatus, type StoredError } from '../store/records.js';
import type { RunOutcome, StoreHint } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import { runNotFound } from '../store/store-rules.js';
import { RecentOutcomes, type RecentOutcomeLimits } from './recent-outcomes.js';

export interface ResultOptions {
  /** Give up waiting (BATON_TIMEOUT) after this many ms of real time. */
  timeoutMs?: number;
  /** Stops waiting when aborted, throwing its reason (the run goes on). */
  signal?: AbortSignal;
}

/** How a run ended, from a read of it or from the store's hint (which does not name the workflow). */
interface RunEnd {
  status: RunStatus;
  output?: string;
  error?: StoredError;
  continuedTo?: string;
  workflow?: string;
}

/** A run's "finished" notice, for one waiter: `ended` is set when the hint carried the outcome. */
interface Watch {
  ended: RunOutcome | undefined;
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

export interface RunResultsOptions {
  store: Store;
  codec: PayloadCodec;
  /**
   * True while a run executes in this process's engine: it ends here (its hint brings the outcome)
   * or gives the run back, so the first read, which would find it running, is skipped.
   */
  executingHere?: (runId: string) => boolean;
  /** Bounds of the record of runs that completed here lately. */
  recentLimits?: RecentOutcomeLimits;
}

/** The result waiters of one client (and the clients made from it with `as`), sharing one subscription to the store's hints. */
export class RunResults {
  readonly #store: Store;
  readonly #codec: PayloadCodec;
  readonly #executingHere: (runId: string) => boolean;
  readonly #local: boolean;
  /** Callers of result() waiting for a run to end, woken by the store's local hints. */
  readonly #waiters = new Map<string, Set<(outcome: RunOutcome | undefined) => void>>();
  readonly #recent: RecentOutcomes;
  #unsubscribe: (() => void) | undefined;

  constructor(options: RunResultsOptions) {
    this.#store = options.store;
    this.#codec = options.codec;
    this.#executingHere = options.executingHere ?? (() => false);
    this.#local = this.#store.capabilities.localNotifications;
    this.#recent = new RecentOutcomes(options.recentLimits);
    // From the start, so a run that ends before its caller asks for the result is remembered.
    this.#listen();
  }

  /** Runs remembered as completed here lately (bounded; for tests and diagnostics). */
  get remembered(): number {
    return this.#recent.size;
  }

  /** The run's output once it ends (see `Client.result`); throws its error. */
  async result<O>(runId: string, options: ResultOptions): Promise<O> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    this.#listen();
    let id = runId;
    // Watch before reading, so an end that happens in between is not missed.
    let watch = this.#watch(id);
    try {
      // With local notices the polls are only a backstop (for runs ended by other processes).
      let delay = this.#local ? 25 : 2;
      for (;;) {
        options.signal?.throwIfAborted();
        let end: RunEnd | undefined = watch.ended ?? this.#completedHere(id);
        let status: RunStatus | undefined;
        // A run executing in this engine ends here (its hint brings the outcome) or leaves the
        // engine first (given back, lease lost): reading it before then would find it running.
        const read = !this.#executingHere(id) || (deadline !== undefined && Date.now() >= deadline);
        if (end === undefined && read) {
          const run = await this.#store.getRun(id);
          if (run === undefined) throw runNotFound(id);
          if (isTerminalStatus(run.status)) end = run;
          else status = run.status;
        }
        if (end !== undefined) {
          if (end.status === 'completed' && end.continuedTo !== undefined) {
            watch.close();
            id = end.continuedTo;
            watch = this.#watch(id);
            continue;
          }
          if (end.status === 'completed')
            return (this.#codec.isSpilled(end.output) ? await this.#codec.decodeAsync(end.output) : this.#codec.decode(end.output)) as O;
          const error = this.#storedError(id, end);
          if (isBatonError(error)) throw error;
          // A workflow's own error is reported under the workflow's name, which a hint does not carry.
          const workflow = end.workflow ?? (await this.#store.getRun(id))?.workflow;
          if (workflow === undefined) throw runNotFound(id);
          throw new BatonError(ErrorCode.WorkflowError, `Run ${id} of '${workflow}' ${end.status}: ${error.message}`, {
            runId: id,
            retryable: false,
            cause: error,
          });
        }
        if (status !== undefined && deadline !== undefined && Date.now() >= deadline) {
          throw new BatonError(ErrorCode.Timeout, `Run ${id} did not end within ${options.timeoutMs} ms (it is ${status}). Wait longer or check its journal.`, {
            runId: id,
          });
        }
        await watch.wait(deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - Date.now())), options.signal);
        delay = Math.min(delay * 2, 250);
      }
    } finally {
      watch.close();
    }
  }

  /** Subscribes to the store's local hints (again, after `close`). */
  #listen(): void {
    if (this.#local && this.#unsubscribe === undefined) this.#unsubscribe = this.#store.subscribe((hint) => this.#onHint(hint));
  }

  #onHint(hint: StoreHint): void {
    if (hint.type !== 'finished') return;
    const outcome = hint.outcome;
    if (outcome === undefined) {
      // '*' is a store's "some runs ended, look again" (too many to name one by one). A hint without
      // the outcome may be this process's own commit heard back from the database (NOTIFY) just
      // before the local hint that carries it: waking a turn later lets that one land first.
      const waiters = hint.runId === '*' ? [...this.#waiters.values()].flatMap((set) => [...set]) : [...(this.#waiters.get(hint.runId) ?? [])];
      if (waiters.length > 0) setImmediate(() => waiters.forEach((waiter) => waiter(undefined)));
      return;
    }
    if (outcome.status === 'completed') {
      this.#recent.add(hint.runId, {
        ...(outcome.output === undefined ? {} : { output: outcome.output }),
        ...(outcome.continuedTo === undefined ? {} : { continuedTo: outcome.continuedTo }),
      });
    }
    for (const waiter of [...(this.#waiters.get(hint.runId) ?? [])]) waiter(outcome);
  }

  #completedHere(runId: string): RunEnd | undefined {
    const completed = this.#recent.get(runId);
    return completed === undefined ? undefined : { status: 'completed', ...completed };
  }

  /** Watches a run for the store's local "finished" notice; `wait` returns early once it came. */
  #watch(runId: string): Watch {
    let fired = false;
    let wake: (() => void) | undefined;
    const notify = (outcome: RunOutcome | undefined): void => {
      if (outcome !== undefined) watch.ended = outcome;
      fired = true;
      wake?.();
    };
    if (this.#local) {
      let set = this.#waiters.get(runId);
      if (set === undefined) this.#waiters.set(runId, (set = new Set()));
      set.add(notify);
    }
    const watch: Watch = {
      ended: undefined,
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
    return watch;
  }

  /** The error a failed or cancelled run ended with, as stored. */
  #storedError(runId: string, end: RunEnd): Error {
    return fromStoredError(
      this.#codec,
      end.error ?? (end.status === 'cancelled' ? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${runId} was cancelled.` } : undefined),
    );
  }

  /** Stops listening to the store (waiting goes on by polling; the next `result()` listens again). */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
