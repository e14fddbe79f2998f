/**
 * The completed runs this process saw end lately, so a `result()` called after its run already ended
 * here returns without reading the store. Only completed runs are kept: a completed run never runs
 * again, while a failed one may be retried, so a remembered failure could go stale. The record is
 * bounded by count, by the size of the outputs it holds, and by age: it only needs to bridge the
 * moment between a start and the caller's `result()`, and a miss costs one read.
 */

export interface RecentOutcomeLimits {
  /** Most runs kept (oldest dropped first). */
  maxRuns: number;
  /** Most characters of encoded output kept in all; a larger single output is not kept. */
  maxChars: number;
  /** Entries older than this (real time, ms) are dropped. */
  maxAgeMs: number;
}

export const defaultRecentOutcomeLimits: RecentOutcomeLimits = { maxRuns: 1000, maxChars: 4 * 1024 * 1024, maxAgeMs: 10_000 };

/** A completed run as its row reads: its encoded output, or the run it continued as. */
export interface CompletedRun {
  output?: string;
  continuedTo?: string;
}

interface Entry extends CompletedRun {
  at: number;
  chars: number;
}

export class RecentOutcomes {
  readonly #limits: RecentOutcomeLimits;
  readonly #now: () => number;
  /** Insertion order is age order: the first entry is the oldest. */
  readonly #entries = new Map<string, Entry>();
  #chars = 0;

  constructor(limits: RecentOutcomeLimits = defaultRecentOutcomeLimits, now: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Remembers that `runId` completed. */
  add(runId: string, run: CompletedRun): void {
    const chars = (run.output?.length ?? 0) + (run.continuedTo?.length ?? 0);
    if (chars > this.#limits.maxChars || this.#limits.maxRuns === 0) return;
    this.#delete(runId);
    this.#entries.set(runId, { ...run, at: this.#now(), chars });
    this.#chars += chars;
    this.#prune();
  }

  /** The run's completion if it is remembered. */
  get(runId: string): CompletedRun | undefined {
    this.#prune();
    const entry = this.#entries.get(runId);
    if (entry === undefined) return undefined;
    const run: CompletedRun = {};
    if (entry.output !== undefined) run.output = entry.output;
    if (entry.continuedTo !== undefined) run.continuedTo = entry.continuedTo;
    return run;
  }

  /** Runs remembered now (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Characters of output remembered now. */
  get chars(): number {
    return this.#chars;
  }

  clear(): void {
    this.#entries.clear();
    this.#chars = 0;
  }

  #delete(runId: string): void {
    const entry = this.#entries.get(runId);
    if (entry === undefined) return;
    this.#entries.delete(runId);
    this.#chars -= entry.chars;
  }

  /** Drops the oldest entries while over a limit or too old. */
  #prune(): void {
    const oldest = this.#now() - this.#limits.maxAgeMs;
    for (const [runId, entry] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxRuns && this.#chars <= this.#limits.maxChars && entry.at >= oldest) return;
      this.#delete(runId);
    }
  }
}
