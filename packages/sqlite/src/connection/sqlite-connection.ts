/**
 * What every concern module of the SQLite store works over: the open database, its prepared
 * statements, the transactions (a write tells the store's listeners what changed once it commits),
 * the search index, and the few checks each concern makes alike.
 */
import type Database from 'better-sqlite3';
import { BatonError, ErrorCode, type AuditEntry } from '@baton/core';
import { runNotFound, type RunRow, type StoreHint } from '@baton/core/store-kit';
import { writeAudit } from '../access/write-audit.js';
import { SearchIndex } from '../runs/search.js';
import { prepareStatements, type Statements } from './statements.js';

export class SqliteConnection {
  readonly db: Database.Database;
  readonly #listeners = new Set<(hint: StoreHint) => void>();
  #s: Statements | undefined;
  #search: SearchIndex | undefined;
  /** One IMMEDIATE transaction wrapper, built once: it runs the callback it is given. */
  readonly #immediate: (fn: () => unknown) => unknown;
  /** A nested transaction (a savepoint) for applying one op alone. */
  readonly savepoint: (fn: () => unknown) => unknown;
  /** A read transaction: every statement in it sees the same snapshot. */
  readonly snapshot: (fn: () => unknown) => unknown;

  constructor(db: Database.Database) {
    this.db = db;
    const run = db.transaction((fn: () => unknown) => fn());
    this.#immediate = (fn) => run.immediate(fn);
    this.savepoint = (fn) => run(fn);
    this.snapshot = (fn) => run.deferred(fn);
  }

  /** Prepares the statements and the search index, once the schema is migrated. */
  prepare(): void {
    this.#s = prepareStatements(this.db);
    this.#search = new SearchIndex(this.db);
  }

  /** The prepared statements; refuses before the store is initialized. */
  get statements(): Statements {
    if (this.#s === undefined)
      throw new BatonError(ErrorCode.StoreError, 'The SQLite store is not initialized: call await store.init() first (Engine.start() does it).', {
        retryable: false,
      });
    return this.#s;
  }

  /** The search index: read only after ensureInitialized. */
  get search(): SearchIndex {
    return this.#search!;
  }

  ensureInitialized(): void {
    void this.statements;
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Runs `fn` in an IMMEDIATE transaction, then tells listeners what changed. */
  write<T>(fn: (hints: StoreHint[]) => T): T {
    const hints: StoreHint[] = [];
    const result = this.#immediate(() => fn(hints)) as T;
    // Listeners hear of a change after the caller of this transaction has (engine events first).
    if (hints.length > 0 && this.#listeners.size > 0) setImmediate(() => this.#notify(hints));
    return result;
  }

  #notify(hints: StoreHint[]): void {
    for (const hint of hints) {
      for (const listener of this.#listeners) {
        try {
          listener(hint);
        } catch {
          // A listener's failure is its own: the change is committed either way.
        }
      }
    }
  }

  /** Writes `audit` when `changed`; returns `changed`. */
  audited(changed: boolean, audit: AuditEntry | undefined): boolean {
    if (changed) writeAudit(this.statements, audit);
    return changed;
  }

  /** The run's row; refuses a run that does not exist. */
  existing(runId: string): RunRow {
    const row = this.statements.getRun.get(runId) as RunRow | undefined;
    if (row === undefined) throw runNotFound(runId);
    return row;
  }
}
