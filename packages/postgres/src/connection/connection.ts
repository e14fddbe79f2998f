/**
 * The connection context every concern module of the PostgreSQL store works through: the pool of the
 * deployment's schema, its statements and transactions (each failure a store error), and the hints a
 * committed change gives this process's listeners and, over NOTIFY, every other process.
 */
import { BatonError, ErrorCode, hasErrorCode } from '@baton/core';
import type { StoreHint } from '@baton/core/store-kit';
import type pg from 'pg';
import { NoticeListener, channelName, noticesFor } from './notifications.js';
import { isBatonError, storeError } from './store-errors.js';

export interface ConnectionOptions {
  /** The deployment's schema: every connection of `pool` works in it. */
  schema: string;
  pool: pg.Pool;
  /** Where to LISTEN for other processes' changes; undefined: no listening, no notices sent. */
  listen: pg.ClientConfig | undefined;
}

export class PostgresConnection {
  readonly schema: string;
  readonly pool: pg.Pool;
  /** The deployment's NOTIFY channel. */
  readonly channel: string;
  /** The listener of other processes' notices; undefined when the store does not listen (nor notify). */
  readonly notices: NoticeListener | undefined;
  readonly #listeners = new Set<(hint: StoreHint) => void>();
  readonly #ending = new Map<string, number>();
  #initialized: Promise<void> | undefined;

  constructor(options: ConnectionOptions) {
    this.schema = options.schema;
    this.pool = options.pool;
    this.channel = channelName(options.schema);
    this.notices =
      options.listen === undefined
        ? undefined
        : new NoticeListener(options.listen, this.channel, (hint) => {
            if (!(hint.type === 'finished' && this.#ending.has(hint.runId))) this.notify([hint]);
          });
  }

  /**
   * Runs a commit of this store is ending: their "finished" notice, heard back over LISTEN (at times
   * before the commit's own reply), is dropped, since the local hint that follows carries the outcome.
   */
  expectEnds(runIds: string[]): void {
    for (const id of runIds) this.#ending.set(id, (this.#ending.get(id) ?? 0) + 1);
  }

  /** The commit that ended these runs returned; forgets them once its local hints are out. */
  settleEnds(runIds: string[]): void {
    setImmediate(() => {
      for (const id of runIds) {
        const count = (this.#ending.get(id) ?? 1) - 1;
        if (count <= 0) this.#ending.delete(id);
        else this.#ending.set(id, count);
      }
    });
  }

  /**
   * Runs `setUp` (migrations, listening) once; statements are accepted from its start on. A failed
   * set-up is forgotten, so the next call tries again.
   */
  initialize(setUp: () => Promise<void>): Promise<void> {
    this.#initialized ??= setUp().catch((error: unknown) => {
      this.#initialized = undefined;
      // A refusal that says what to do (an outdated schema opened to be read only) stays as it is.
      throw hasErrorCode(error, ErrorCode.DatabaseOutdated) ? error : storeError('init', error);
    });
    return this.#initialized;
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Tells this process's listeners what a committed change did (after the current turn). */
  notify(hints: StoreHint[]): void {
    if (hints.length === 0 || this.#listeners.size === 0) return;
    setImmediate(() => {
      for (const hint of hints) {
        for (const listener of this.#listeners) {
          try {
            listener(hint);
          } catch {
            // A listener's failure is its own: the change is committed either way.
          }
        }
      }
    });
  }

  /** The NOTIFY channel when notices are sent, else undefined. */
  get noticeChannel(): string | undefined {
    return this.notices === undefined ? undefined : this.channel;
  }

  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw storeError('connect', error);
    }
  }

  assertInitialized(): void {
    if (this.#initialized === undefined) {
      throw new BatonError(ErrorCode.StoreError, 'The PostgreSQL store is not initialized: call await store.init() first (Engine.start() does it).', {
        retryable: false,
      });
    }
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.assertInitialized();
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw storeError('query', error);
    }
  }

  /** A read through the pool, its failure a store error. */
  async read<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    this.assertInitialized();
    try {
      return await fn(this.pool);
    } catch (error) {
      throw storeError('query', error);
    }
  }

  /** Runs `fn` in one transaction on one connection, then tells listeners what changed. */
  async transaction<T>(fn: (db: pg.PoolClient, hints: StoreHint[]) => Promise<T>): Promise<T> {
    this.assertInitialized();
    const client = await this.connect();
    const hints: StoreHint[] = [];
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client, hints);
      // Notices go out at commit, to every process listening (this one included: hints are idempotent).
      if (this.notices !== undefined) for (const notice of noticesFor(hints)) await client.query('SELECT pg_notify($1, $2)', [this.channel, notice]);
      await client.query('COMMIT');
      this.notify(hints);
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone; do not return it to the pool
      }
      throw isBatonError(error) ? error : storeError('transaction', error);
    } finally {
      client.release(broken);
    }
  }
}
