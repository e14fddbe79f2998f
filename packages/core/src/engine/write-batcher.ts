/**
 * Group commit. Writes submitted in the same turn of the event loop (and while a commit is in
 * flight) go to the store as one batch, so one fsync covers many runs and steps. Writes of one run
 * are committed in the order they were submitted.
 *
 * An immediate write (a result costly to produce again, such as a paid model answer) never waits
 * behind another commit: if none is in flight it goes with the next group commit (and first, should
 * the queue hold more than one batch); if one is in flight it is committed beside it at once (with
 * the other immediate writes waiting), unless its run has writes in that commit, in which case it
 * goes first in the next one. The writes its run submitted before it go with it, so a run's writes
 * keep their order.
 *
 * Journal-only writes of one run under one lease token that follow each other in a batch go to the
 * store as one op (see `mergeJournalWrites`): a fan-out of a thousand steps is then fenced once, not
 * a thousand times, and each of its writes gets that op's result.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Store, WriteOp, WriteResult } from '../store/store.js';
import type { Clock } from '../time/clock.js';

interface Pending {
  op: WriteOp;
  immediate: boolean;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

export interface WriteBatcherOptions {
  /** Most ops in one transaction. Default 2000. */
  maxBatch?: number;
  /** Attempts of a batch that failed with a store error (busy, connection lost) before its ops fail. Default 5. */
  maxCommitAttempts?: number;
  /** Awaited before each commit: the blob writes of the payloads in the batch (PayloadCodec.settle). */
  beforeCommit?: () => Promise<void>;
}

export interface SubmitOptions {
  /** Commit at once, ahead of the writes waiting for the next group commit (see the file header). */
  immediate?: boolean;
}

export class WriteBatcher {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #maxCommitAttempts: number;
  readonly #beforeCommit: (() => Promise<void>) | undefined;
  #queue: Pending[] = [];
  #scheduled = false;
  #expediting = false;
  /** The group-commit loop, while it runs. */
  #main: Promise<void> | undefined;
  /** An immediate commit beside the loop, while it runs. */
  #side: Promise<void> | undefined;
  /** Runs with writes in a commit in flight: their later writes wait for it, to keep their order. */
  readonly #busy = new Set<string>();
  #idle: (() => void)[] = [];
  /** Number of store commits made (for benchmarks and diagnostics). */
  commits = 0;

  constructor(store: Store, clock: Clock, options: WriteBatcherOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#maxBatch = options.maxBatch ?? 2000;
    this.#maxCommitAttempts = options.maxCommitAttempts ?? 5;
    this.#beforeCommit = options.beforeCommit;
  }

  submit(op: WriteOp, options: SubmitOptions = {}): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      const immediate = options.immediate === true;
      this.#queue.push({ op, immediate, resolve, reject });
      if (immediate) this.#expedite();
      else this.#schedule();
    });
  }

  /** No write waits for its commit and no commit is in flight. */
  get idle(): boolean {
    return this.#queue.length === 0 && this.#main === undefined && this.#side === undefined;
  }

  /** Resolves once every write submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#main !== undefined || this.#side !== undefined) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#main !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#startMain();
    });
  }

  /**
   * An immediate write goes with the next group commit if none is in flight (writes that arrive in
   * the same turn of the event loop still share its fsync), else beside the one in flight, once the
   * code that submitted it has run on (a microtask), so writes it submits with it join.
   */
  #expedite(): void {
    if (this.#main === undefined) {
      this.#schedule();
      return;
    }
    if (this.#expediting) return;
    this.#expediting = true;
    queueMicrotask(() => {
      this.#expediting = false;
      if (this.#main === undefined) this.#schedule();
      else if (this.#side === undefined) this.#startSide();
      // Else the side commit in flight starts the next one when it ends.
    });
  }

  #startMain(): void {
    if (this.#main !== undefined || !this.#queue.some((p) => !this.#busy.has(p.op.runId))) return;
    this.#main = (async () => {
      for (;;) {
        const batch = this.#take(false);
        if (batch.length === 0) return;
        await this.#commit(batch);
      }
    })().finally(() => {
      this.#main = undefined;
      this.#afterCommit();
    });
  }

  #startSide(): void {
    const batch = this.#take(true);
    if (batch.length === 0) return;
    this.#side = this.#commit(batch).finally(() => {
      this.#side = undefined;
      this.#afterCommit();
    });
  }

  #afterCommit(): void {
    if (this.#queue.length > 0) {
      if (this.#main !== undefined && this.#queue.some((p) => p.immediate && !this.#busy.has(p.op.runId))) this.#expedite();
      else this.#schedule();
    }
    if (this.#queue.length === 0 && this.#main === undefined && this.#side === undefined) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /**
   * Takes the next batch off the queue, leaving the writes of runs in a commit in flight: first the
   * immediate writes with the writes of their runs queued before them, then (unless `immediateOnly`)
   * the other writes in order, up to maxBatch. Each run's writes are taken in order, without gaps.
   */
  #take(immediateOnly: boolean): Pending[] {
    const lastImmediate = new Map<string, number>();
    this.#queue.forEach((p, i) => p.immediate && !this.#busy.has(p.op.runId) && lastImmediate.set(p.op.runId, i));
    const taken = new Set<Pending>();
    this.#queue.forEach((p, i) => {
      if ((lastImmediate.get(p.op.runId) ?? -1) >= i && taken.size < this.#maxBatch) taken.add(p);
    });
    if (!immediateOnly) {
      const blocked = new Set(this.#busy);
      for (const p of this.#queue) {
        if (taken.has(p)) continue;
        if (blocked.has(p.op.runId) || taken.size >= this.#maxBatch) blocked.add(p.op.runId);
        else taken.add(p);
      }
    }
    if (taken.size === 0) return [];
    const batch = this.#queue.filter((p) => taken.has(p));
    this.#queue = this.#queue.filter((p) => !taken.has(p));
    for (const p of batch) this.#busy.add(p.op.runId);
    return batch;
  }

  async #commit(batch: Pending[]): Promise<void> {
    const { ops, opOf } = mergeJournalWrites(batch.map((p) => p.op));
    let results: WriteResult[] | undefined;
    let lastError: unknown;
    try {
      // A payload whose blob could not be written must not be committed: the batch fails instead.
      let attempts = this.#maxCommitAttempts;
      if (this.#beforeCommit !== undefined) {
        try {
          await this.#beforeCommit();
        } catch (error) {
          lastError = error;
          attempts = 0;
        }
      }
      for (let attempt = 1; attempt <= attempts && results === undefined; attempt++) {
        try {
          results = await this.#store.commit(ops, this.#clock.now());
          this.commits++;
        } catch (error) {
          lastError = error;
          if ((error as { retryable?: unknown }).retryable === false) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        }
      }
    } finally {
      for (const op of ops) this.#busy.delete(op.runId);
    }
    if (results === undefined) {
      const error = new BatonError(
        ErrorCode.StoreError,
        `A group commit of ${ops.length} writes failed: ${(lastError as Error)?.message ?? String(lastError)}`,
        {
          cause: lastError,
        },
      );
      for (const p of batch) p.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[opOf[i]!] ?? { ok: false, reason: 'leaseLost' });
  }
}

/** True for an op that only adds journal entries to a run it holds the lease of. */
function journalOnly(op: WriteOp): boolean {
  for (const key in op)
    if (key !== 'runId' && key !== 'leaseToken' && key !== 'journal' && (op as unknown as Record<string, unknown>)[key] !== undefined) return false;
  return op.journal !== undefined;
}

/**
 * Folds each journal-only op into the run's previous op in the batch when that one is journal-only
 * too and carries the same lease token: the entries keep their order, and the store fences the run
 * once for all of them. Ops of other runs in between do not matter (a run's order is its own).
 * Returns the ops to commit and, for each op given, the index of the op it went into. The folded
 * writes share one outcome: they come from one execution under one lease, so the store accepts or
 * refuses them together anyway (a refused position fails the execution whichever write held it).
 */
export function mergeJournalWrites(given: readonly WriteOp[]): { ops: WriteOp[]; opOf: number[] } {
  const ops: WriteOp[] = [];
  const opOf: number[] = [];
  /** Per run, its latest op in `ops` when that op is journal-only (and was copied, so it may grow). */
  const open = new Map<string, number>();
  for (const op of given) {
    const into = open.get(op.runId);
    if (journalOnly(op)) {
      const target = into === undefined ? undefined : ops[into]!;
      if (target !== undefined && target.leaseToken === op.leaseToken) {
        target.journal!.push(...op.journal!);
        opOf.push(into!);
        continue;
      }
      open.set(op.runId, ops.length);
      opOf.push(ops.length);
      ops.push({ runId: op.runId, leaseToken: op.leaseToken, journal: [...op.journal!] });
      continue;
    }
    open.delete(op.runId);
    opOf.push(ops.length);
    ops.push(op);
  }
  return { ops, opOf };
}
