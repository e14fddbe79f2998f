/**
 * Group commit. Writes submitted in the same turn of the event loop (and while a commit is in
 * flight) go to the store as one batch, so one fsync covers many runs and steps. Writes of one run
 * are committed in the order they were submitted.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Store, WriteOp, WriteResult } from '../store/store.js';
import type { Clock } from '../time/clock.js';

interface Pending {
  op: WriteOp;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

export interface WriteBatcherOptions {
  /** Most ops in one transaction. Default 2000. */
  maxBatch?: number;
  /** Attempts of a batch that failed with a store error (busy, connection lost) before its ops fail. Default 5. */
  maxCommitAttempts?: number;
}

export class WriteBatcher {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #maxCommitAttempts: number;
  #queue: Pending[] = [];
  #scheduled = false;
  #flushing: Promise<void> | undefined;
  #idle: (() => void)[] = [];
  /** Number of store commits made (for benchmarks and diagnostics). */
  commits = 0;

  constructor(store: Store, clock: Clock, options: WriteBatcherOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#maxBatch = options.maxBatch ?? 2000;
    this.#maxCommitAttempts = options.maxCommitAttempts ?? 5;
  }

  submit(op: WriteOp): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once every write submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#flushing !== undefined) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.length > 0) this.#schedule();
        else for (const resolve of this.#idle.splice(0)) resolve();
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      const ops = batch.map((p) => p.op);
      let results: WriteResult[] | undefined;
      let lastError: unknown;
      for (let attempt = 1; attempt <= this.#maxCommitAttempts && results === undefined; attempt++) {
        try {
          results = await this.#store.commit(ops, this.#clock.now());
          this.commits++;
        } catch (error) {
          lastError = error;
          if ((error as { retryable?: unknown }).retryable === false) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        }
      }
      if (results === undefined) {
        const error = new BatonError(
          ErrorCode.StoreError,
          `A group commit of ${ops.length} writes failed: ${(lastError as Error)?.message ?? String(lastError)}`,
          { cause: lastError },
        );
        for (const p of batch) p.reject(error);
        continue;
      }
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i] ?? { ok: false, reason: 'leaseLost' });
    }
  }
}
