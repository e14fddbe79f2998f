/**
 * The embedded Store on one SQLite file (WAL). Every state change is one IMMEDIATE transaction, so
 * several processes on one machine can share the file; group commits apply many writes per fsync.
 * The store opens the file and owns its lifecycle and the search index's upkeep; each concern is a
 * module of its own over the shared connection (see connection/sqlite-connection.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BatonError, ErrorCode } from '@baton/core';
import { AssembledStore, type StoreCapabilities, type StoreParts } from '@baton/core/store-kit';
import { SqliteConnection } from './connection/sqlite-connection.js';
import { assertUpToDate, migrate } from './connection/migrate.js';
import { SqliteRunStore } from './runs/run-store.js';
import { SEARCH_INDEX_EVERY_MS } from './runs/search.js';
import { SqliteFlowControlStore } from './flow-control/flow-control-store.js';
import { SqliteScheduleStore } from './schedules/schedule-store.js';
import { SqliteEventStore } from './events/event-store.js';
import { SqliteAccessStore } from './access/access-store.js';
import { SqliteCacheStore } from './cache/cache-store.js';
import { SqliteOverviewStore } from './insight/overview-store.js';
import { SqliteInboxStore } from './insight/inbox-store.js';
import { SqliteWorkflowCatalog } from './catalog/catalog-store.js';
import { SqliteDefinitionStore } from './definitions/definition-store.js';
import { SqliteReplayStore } from './replays/replay-store.js';
import { SqliteQuotaStore } from './quotas/quota-store.js';
import { SqliteGovernanceStore } from './governance/governance-store.js';
import { SqliteAlertStore } from './alerts/alert-store.js';
import { SqliteReviewStore } from './reviews/review-store.js';

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  path: string;
  /** SQLite `synchronous` setting, applied on every connection. Default FULL: a commit survives power loss. */
  synchronous?: SynchronousMode;
  /** How long a transaction waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * How often runs written since are added to the search index, in ms (default 1000); 0: never in
   * the background, only by `indexForSearch()`. Searches find every run either way.
   */
  searchIndexEveryMs?: number;
  /**
   * Apply the migrations the file lacks at `init()` (default true). false: `init()` only checks that
   * the file has every migration of this version, writing nothing, and throws
   * BATON_DATABASE_OUTDATED otherwise (for processes that only read, like a replay check).
   */
  upgrade?: boolean;
}

export class SqliteStore extends AssembledStore {
  readonly capabilities: StoreCapabilities = { localNotifications: true, sharedAcrossProcesses: true };
  readonly path: string;
  protected readonly parts: StoreParts;
  readonly #conn: SqliteConnection;
  #searchTimer: NodeJS.Timeout | undefined;
  /** The indexing under way (see indexForSearch), which a second caller waits for. */
  #indexing: Promise<number> | undefined;
  readonly #searchIndexEveryMs: number;
  readonly #upgrade: boolean;
  #initialized = false;

  constructor(options: SqliteStoreOptions) {
    super();
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new BatonError(ErrorCode.InvalidArgument, 'new SqliteStore({ path }) needs the path of a database file, e.g. .baton/baton.db.', {
        retryable: false,
      });
    }
    const synchronous = options.synchronous ?? 'FULL';
    if (!['OFF', 'NORMAL', 'FULL', 'EXTRA'].includes(synchronous)) {
      throw new BatonError(ErrorCode.InvalidArgument, `synchronous must be OFF, NORMAL, FULL or EXTRA, not '${String(synchronous)}'.`, { retryable: false });
    }
    this.#searchIndexEveryMs = options.searchIndexEveryMs ?? SEARCH_INDEX_EVERY_MS;
    this.#upgrade = options.upgrade ?? true;
    if (!Number.isSafeInteger(this.#searchIndexEveryMs) || this.#searchIndexEveryMs < 0) {
      throw new BatonError(ErrorCode.InvalidArgument, 'searchIndexEveryMs must be a whole number of ms, 0 or more.', { retryable: false });
    }
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      // Set on every connection: the driver's compiled default for a reopened WAL file is weaker.
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma('foreign_keys = OFF');
    } catch (cause) {
      throw new BatonError(
        ErrorCode.StoreError,
        `Cannot open the SQLite database at ${options.path}: ${(cause as Error).message}. Check the path and its permissions.`,
        { cause, retryable: false },
      );
    }
    const conn = new SqliteConnection(db);
    this.#conn = conn;
    this.parts = {
      runs: new SqliteRunStore(conn),
      flowControl: new SqliteFlowControlStore(conn),
      schedules: new SqliteScheduleStore(conn),
      events: new SqliteEventStore(conn),
      access: new SqliteAccessStore(conn),
      cache: new SqliteCacheStore(conn),
      overview: new SqliteOverviewStore(conn),
      inbox: new SqliteInboxStore(conn),
      catalog: new SqliteWorkflowCatalog(conn),
      definitions: new SqliteDefinitionStore(conn),
      replays: new SqliteReplayStore(conn),
      quotas: new SqliteQuotaStore(conn),
      governance: new SqliteGovernanceStore(conn),
      alerts: new SqliteAlertStore(conn),
      reviews: new SqliteReviewStore(conn),
    };
  }

  /** The `synchronous` level in force on this connection (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
  get synchronousLevel(): number {
    return this.#conn.db.pragma('synchronous', { simple: true }) as number;
  }

  async init(): Promise<void> {
    if (this.#initialized) return;
    if (this.#upgrade) migrate(this.#conn.db, Date.now());
    else assertUpToDate(this.#conn.db, `The SQLite file ${this.path}`);
    this.#conn.prepare();
    this.#initialized = true;
    // A failed round (another process held the lock too long) is tried again at the next; searches
    // stay complete meanwhile, scanning the runs not yet indexed.
    if (this.#searchIndexEveryMs > 0) {
      this.#searchTimer = setInterval(() => void this.indexForSearch().catch(() => undefined), this.#searchIndexEveryMs);
      this.#searchTimer.unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#searchTimer);
    if (this.#conn.db.open) this.#conn.db.close();
  }

  /**
   * Adds the runs written since the last round to the search index, a chunk per transaction with a
   * pause between chunks for other writers; done every second in the background. Returns how many
   * runs were indexed (by this call, or by the round under way that it waited for).
   */
  indexForSearch(): Promise<number> {
    this.#conn.ensureInitialized();
    this.#indexing ??= this.#indexPending().finally(() => (this.#indexing = undefined));
    return this.#indexing;
  }

  async #indexPending(): Promise<number> {
    const search = this.#conn.search;
    let indexed = 0;
    while (this.#conn.db.open && search.pending()) {
      indexed += this.#conn.write(() => search.indexChunk());
      await new Promise((resolve) => setImmediate(resolve));
    }
    return indexed;
  }
}
