/**
 * Deterministic journal positions for concurrent branches (`fork`). Baton gives each ctx operation
 * the next position when it is called, so branches that call ctx in the order their operations
 * happen to finish would get other positions on replay. Here each branch sees a ctx whose
 * operations are issued in rounds: a round starts once every live branch has asked for its next
 * operation (or ended), and issues them in branch order. Operations within a round still run
 * concurrently (HTTP calls of three branches overlap), and what a replay issues is what the first
 * execution issued. `close()` stops issuing for good (a competing fork that has its winner): the
 * losers' later operations are never issued, so they leave nothing in the journal.
 *
 * Synchronous operations (now, random, uuid, patched) are passed through: the interpreter does not
 * use them inside branches.
 */
import type { WorkflowContext } from '@baton/core';

interface Request {
  issue(): void;
}

const GATED = ['step', 'sleep', 'sleepUntil', 'waitForSignal', 'waitForEvent', 'child'] as const;

export class BranchSequencer {
  readonly #ctx: WorkflowContext;
  readonly #queues: Request[][];
  readonly #ended: boolean[];
  #closed = false;
  #scheduled = false;

  constructor(ctx: WorkflowContext, branches: number) {
    this.#ctx = ctx;
    this.#queues = Array.from({ length: branches }, () => []);
    this.#ended = Array.from({ length: branches }, () => false);
  }

  /** The ctx branch `index` runs on. */
  contextFor(index: number): WorkflowContext {
    const gated: Record<string, unknown> = {};
    for (const name of GATED) {
      gated[name] = (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          this.#queues[index]!.push({
            issue: () => (this.#ctx[name] as (...a: unknown[]) => Promise<unknown>)(...args).then(resolve, reject),
          });
          this.#schedule();
        });
    }
    // Everything else (runId, signal, now, extensions…) is the run's own ctx (which is frozen, so a copy, not a Proxy).
    return Object.freeze({ ...this.#ctx, ...gated }) as WorkflowContext;
  }

  /** Branch `index` asks for nothing more. */
  end(index: number): void {
    this.#ended[index] = true;
    this.#schedule();
  }

  /** No further operation of any branch is issued. */
  close(): void {
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // After the current synchronous burst, so a branch that asks for several operations at once
    // (a nested fork's round, `listen.to.all`) has them all in this round.
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#round();
    });
  }

  #round(): void {
    if (this.#closed) return;
    const live = this.#queues.map((_, i) => i).filter((i) => !this.#ended[i]);
    if (live.length === 0 || live.some((i) => this.#queues[i]!.length === 0)) return;
    for (const i of live) for (const request of this.#queues[i]!.splice(0)) request.issue();
  }
}
