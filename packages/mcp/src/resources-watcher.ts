/**
 * The one watcher of an MCP server's resource subscriptions: while any run is subscribed it looks at
 * the subscribed runs every `pollMs`, and reports each run that moved (its status, progress or
 * `updatedAt` changed, or its journal grew) to `onChange`. A run's row is one primary-key read; its
 * journal growth is read from the store's change feed when one is given (one read for every
 * subscription), else from the journal's length. With no subscription there is no timer.
 */
import type { Client, Logger, Store } from '@baton/core';
import { jsonText } from './resources-json.js';

/** The part of a store the watcher reads: its change feed. */
export type ChangeFeed = Pick<Store, 'listChanges' | 'changeCursor'>;

export interface RunWatcherOptions {
  client: Client;
  /** The store's change feed: journal growth seen in one read for all runs (else each journal's length is read). */
  changes?: ChangeFeed | undefined;
  /** How often the subscribed runs are looked at (default 500 ms). */
  pollMs?: number | undefined;
  logger: Logger;
  /** Called with the id of each watched run that moved. */
  onChange: (runId: string) => void;
}

const FEED_PAGE = 500;

export class RunWatcher {
  readonly #options: RunWatcherOptions;
  readonly #pollMs: number;
  /** Watched run id → what it looked like at the last look. */
  readonly #runs = new Map<string, string>();
  #cursor: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A look is under way: the next is scheduled when it ends. */
  #looking = false;
  #stopped = false;

  constructor(options: RunWatcherOptions) {
    this.#options = options;
    this.#pollMs = options.pollMs ?? 500;
  }

  /** Starts watching a run (a no-op when it is watched already). Throws what reading it throws. */
  async watch(runId: string): Promise<void> {
    if (this.#stopped || this.#runs.has(runId)) return;
    if (this.#options.changes !== undefined && this.#cursor === undefined) this.#cursor = await this.#options.changes.changeCursor();
    this.#runs.set(runId, await this.#fingerprint(runId));
    this.#schedule();
  }

  unwatch(runId: string): void {
    this.#runs.delete(runId);
    if (this.#runs.size === 0) this.#clear();
  }

  get size(): number {
    return this.#runs.size;
  }

  /** Stops for good: no more looks, no timer left behind. */
  stop(): void {
    this.#stopped = true;
    this.#runs.clear();
    this.#clear();
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#cursor = undefined;
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined || this.#looking || this.#runs.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#looking = true;
      this.#look()
        .catch((error: unknown) => this.#options.logger.error({ err: error }, 'MCP resource watcher failed to read runs'))
        .finally(() => {
          this.#looking = false;
          this.#schedule();
        });
    }, this.#pollMs);
  }

  async #look(): Promise<void> {
    const moved = await this.#journalGrowth();
    for (const [runId, before] of [...this.#runs]) {
      const now = await this.#fingerprint(runId);
      // A run unwatched meanwhile is not reported.
      if (!this.#runs.has(runId)) continue;
      if (now !== before) {
        this.#runs.set(runId, now);
        moved.add(runId);
      }
    }
    for (const runId of moved) if (this.#runs.has(runId)) this.#options.onChange(runId);
  }

  /** The watched runs the change feed shows a change of since the last look (all of them after a gap). */
  async #journalGrowth(): Promise<Set<string>> {
    const moved = new Set<string>();
    const feed = this.#options.changes;
    if (feed === undefined) return moved;
    this.#cursor ??= await feed.changeCursor();
    for (;;) {
      const page = await feed.listChanges({ after: this.#cursor, limit: FEED_PAGE });
      if (page.gap) for (const runId of this.#runs.keys()) moved.add(runId);
      for (const change of page.changes) if (this.#runs.has(change.runId)) moved.add(change.runId);
      this.#cursor = page.cursor;
      if (page.changes.length < FEED_PAGE) return moved;
    }
  }

  /** What a look compares: the run's status, progress and last update, and (without a feed) its journal's length. */
  async #fingerprint(runId: string): Promise<string> {
    const { client, changes } = this.#options;
    if (changes !== undefined) {
      const run = await client.get(runId);
      return run === undefined ? 'gone' : `${run.status}|${run.updatedAt.getTime()}|${jsonText(run.progress ?? null)}`;
    }
    const found = await client.inspect(runId);
    if (found === undefined) return 'gone';
    const { run, journal } = found;
    return `${run.status}|${run.updatedAt.getTime()}|${jsonText(run.progress ?? null)}|${journal.length}`;
  }
}
