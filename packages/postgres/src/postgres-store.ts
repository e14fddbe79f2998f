/**
 * The Store on PostgreSQL, for many workers on many hosts. Every state change is one transaction;
 * claims lock with FOR UPDATE SKIP LOCKED; journal writes are fenced by the run's lease token under
 * the run's row lock; a deployment lives in its own schema, so several can share one database.
 *
 * This class owns the pool, the schema, the lifecycle and the background fold of the overview's
 * counts; each concern is a module of its own (runs/, flow-control/, schedules/, …) working through
 * the shared connection context (connection/), and the assembly forwards each Store method to it.
 */
import pg from 'pg';
import { BatonError, ErrorCode } from '@baton/core';
import { AssembledStore, type StoreCapabilities, type StoreParts } from '@baton/core/store-kit';
import { PostgresConnection } from './connection/connection.js';
import { assertUpToDate, migrate, quoteIdentifier } from './connection/migrate.js';
import { PostgresAccess } from './access/access-store.js';
import { PostgresCache } from './cache/cache-store.js';
import { PostgresCatalog } from './catalog/catalog-store.js';
import { PostgresDefinitions } from './definitions/definition-store.js';
import { PostgresReplays } from './replays/replay-store.js';
import { PostgresQuotas } from './quotas/quota-store.js';
import { PostgresGovernance } from './governance/governance-store.js';
import { PostgresAlerts } from './alerts/alert-store.js';
import { PostgresReviews } from './reviews/review-store.js';
import { PostgresEvents } from './events/event-store.js';
import { PostgresFlowControl } from './flow-control/flow-control-store.js';
import { PostgresInbox } from './insight/inbox-store.js';
import { PostgresOverview } from './insight/overview-store.js';
import { PostgresRunStore } from './runs/run-store.js';
import { PostgresSchedules } from './schedules/schedule-store.js';

export interface PostgresStoreOptions {
  /** A connection string (postgres://user@host:5432/db) or node-postgres pool settings. */
  connectionString?: string;
  pool?: pg.PoolConfig;
  /** The schema holding this deployment's tables (created if missing). Default 'baton'. */
  schema?: string;
  /** Most connections in the pool. Default 10. */
  maxConnections?: number;
  /** How long a query may run before it is cancelled, in ms. Default 30,000. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, in ms. Default 10,000. */
  connectionTimeoutMs?: number;
  /**
   * Listen for other processes' changes (LISTEN/NOTIFY on one extra connection), so their runs wake
   * this process's engines at once instead of at the next poll. Default true.
   */
  listen?: boolean;
  /**
   * How often the overview's hourly counts take in the changes written since, in ms (default 5000);
   * 0: never in the background, only by `foldStats()`. Overviews count every change either way.
   */
  foldStatsEveryMs?: number;
  /**
   * Apply the migrations the schema lacks at `init()` (default true). false: `init()` only checks
   * that the schema has every migration of this version, writing nothing, and throws
   * BATON_DATABASE_OUTDATED otherwise (for processes that only read, like a replay check).
   */
  upgrade?: boolean;
}

const FOLD_STATS_EVERY_MS = 5000;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** BIGINT columns (times) come back as numbers: they are epoch ms, far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export class PostgresStore extends AssembledStore {
  readonly capabilities: StoreCapabilities = { localNotifications: true, sharedAcrossProcesses: true };
  readonly schema: string;
  protected readonly parts: StoreParts;
  readonly #db: PostgresConnection;
  readonly #foldStatsEveryMs: number;
  readonly #upgrade: boolean;
  #foldTimer: NodeJS.Timeout | undefined;

  constructor(options: PostgresStoreOptions) {
    super();
    const schema = options.schema ?? 'baton';
    if (!SCHEMA_NAME.test(schema)) {
      throw new BatonError(ErrorCode.InvalidArgument, `Invalid schema name '${schema}': use letters, digits and _ (at most 63, not starting with a digit).`, {
        retryable: false,
      });
    }
    if (options.connectionString === undefined && options.pool === undefined) {
      throw new BatonError(
        ErrorCode.InvalidArgument,
        'new PostgresStore({ connectionString }) needs a connection string such as postgres://postgres@127.0.0.1:5432/baton.',
        {
          retryable: false,
        },
      );
    }
    this.schema = schema;
    this.#foldStatsEveryMs = options.foldStatsEveryMs ?? FOLD_STATS_EVERY_MS;
    this.#upgrade = options.upgrade ?? true;
    if (!Number.isSafeInteger(this.#foldStatsEveryMs) || this.#foldStatsEveryMs < 0) {
      throw new BatonError(ErrorCode.InvalidArgument, 'foldStatsEveryMs must be a whole number of ms, 0 or more.', { retryable: false });
    }
    const connection: pg.ClientConfig = {
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      ...options.pool,
    };
    const pool = new pg.Pool({
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      ...options.pool,
      // Every connection works in the deployment's schema.
      options: `-c search_path=${schema}`,
      types,
    });
    // A connection that breaks (server restart) must never crash the process. The pool covers idle
    // connections; a borrowed one has no listener of the pool's, so each gets its own: the query it
    // was running rejects, the transaction is rolled back or abandoned, and the next query reconnects.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new PostgresConnection({ schema, pool, listen: options.listen === false ? undefined : connection });
    this.#db = db;
    this.parts = {
      runs: new PostgresRunStore(db),
      flowControl: new PostgresFlowControl(db),
      schedules: new PostgresSchedules(db),
      events: new PostgresEvents(db),
      access: new PostgresAccess(db),
      cache: new PostgresCache(db),
      overview: new PostgresOverview(db),
      inbox: new PostgresInbox(db),
      catalog: new PostgresCatalog(db),
      definitions: new PostgresDefinitions(db),
      replays: new PostgresReplays(db),
      quotas: new PostgresQuotas(db),
      governance: new PostgresGovernance(db),
      alerts: new PostgresAlerts(db),
      reviews: new PostgresReviews(db),
    };
  }

  async init(): Promise<void> {
    return this.#db.initialize(async () => {
      const client = await this.#db.connect();
      try {
        if (this.#upgrade) await migrate(client, this.schema, Date.now());
        else await assertUpToDate(client, this.schema);
      } finally {
        client.release();
      }
      await this.#db.notices?.start();
      if (this.#foldStatsEveryMs > 0) {
        // A failed round (the database unreachable for a moment) is tried again at the next; overviews
        // stay complete meanwhile, adding up the changes not yet folded.
        this.#foldTimer = setInterval(() => void this.foldStats().catch(() => undefined), this.#foldStatsEveryMs);
        this.#foldTimer.unref();
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#foldTimer);
    await this.#db.notices?.close();
    await this.#db.pool.end();
  }

  /**
   * Folds the changes to the overview's hourly counts written since the last round into them (see
   * migration 0012); done every few seconds in the background.
   */
  async foldStats(): Promise<void> {
    await this.#db.query('SELECT fold_run_stats()');
  }

  /** Drops this deployment's schema and everything in it (for tests and teardown). */
  async dropSchema(): Promise<void> {
    await this.#db.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(this.schema)} CASCADE`);
  }
}
