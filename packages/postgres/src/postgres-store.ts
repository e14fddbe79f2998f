/**
 * The Store on PostgreSQL, for many workers on many hosts. Every state change is one transaction;
 * claims lock with FOR UPDATE SKIP LOCKED; journal writes are fenced by the run's lease token under
 * the run's row lock; a deployment lives in its own schema, so several can share one database.
 */
import pg from 'pg';
import { BatonError, ErrorCode, isTerminalStatus, runNotFound, type JournalEntry, type NewRun, type RunFilter, type RunPage } from '@baton/core';
import { type RunRecord, type SignalRecord, type Store, type StoredError, type StartControl, type ApiKeyRecord, type EventRecord } from '@baton/core';
import { type EventTriggerRecord, type EventWaitRecord, type NewEvent, type StartedRun, type StartedRunFilter, type ScheduleRecord } from '@baton/core';
import { scheduleNotFound, type RateLimit, type QueueRecord, type StoreStats, type AuditEntry, type AuditFilter, type AuditRecord } from '@baton/core';
import { type ChangeFilter, type ChangePage, type CacheEntry, type InboxClaim, type InboxFilter, type InboxPage, type CatalogFilter } from '@baton/core';
import { type CatalogRegistration, type CatalogWorkflow, type DefinitionFilter, type DefinitionSummary, type DefinitionVersion } from '@baton/core';
import { type DeployOutcome, type NewDefinition, type StoredDefinition, type Overview, type OverviewFilter } from '@baton/core';
import { assertRequeueable, encodeRunCursor, runEnded, toChild, toJournalEntry, toRunRecord, toSignal, toStepRetry, errorText } from '@baton/core/store-kit';
import { type ClaimRequest, type ClaimedRun, type JournalRow, type Lease, type LeaseStatus, type RunRow, type StoreCapabilities } from '@baton/core/store-kit';
import { type StoreHint, type WorkflowRef, type WriteOp, type WriteResult, admitRuns, queueRateKey, toFlowCandidate } from '@baton/core/store-kit';
import { toQueueRecord, type FlowCandidateRow, type QueueRow, type ApiKeyRow, toApiKeyRecord, type EventRow } from '@baton/core/store-kit';
import { type EventTriggerRow, type EventWaitRow, planEmit, toEventRecord, toEventTrigger, eventOrigin, scheduleOrigin } from '@baton/core/store-kit';
import { toEventWait, type ScheduleFire, type ScheduleRow, toScheduleRecord, scheduleValues, scheduleExists, SCHEDULE_COLUMNS } from '@baton/core/store-kit';
import { SCHEDULE_UPSERT, type RateDecision, rateParameters, conformsAt, type StatsQueueRow, type StatsCountRow, toStoreStats } from '@baton/core/store-kit';
import { type AuditRow, type ChangeRow, AUDIT_COLUMNS, auditValues, toAuditRecord, toChangeRecord, assertOverviewFilter } from '@baton/core/store-kit';
import { assertWaitingForPerson, toInboxPage, toOverview, overviewPlan, type InboxRow, type OverviewRows } from '@baton/core/store-kit';
import { LIST_TRIGGERS, listStartedQuery, recordStarted, toStartedRun, type StartedRow } from './queries/started-runs.js';
import { migrate, quoteIdentifier } from './migrate.js';
import { NoticeListener, channelName, noticesFor } from './notifications.js';
import { applyBatch } from './queries/apply-batch.js';
import { INSERT_QUEUED, applyWrite, insertQueuedRun, queuedRunValues, releaseHeld, storeSignal, wakeParent, writeAudit } from './queries/apply-write.js';
import {
  PRUNE_CHANGES,
  auditIfAny,
  listAuditQuery,
  listChangesQuery,
  parsePosition,
  positionBefore,
  positionText,
  type ChangePosition,
} from './queries/activity.js';
import { GET_CACHED, PRUNE_CACHED, PRUNE_CACHED_CHUNK, PUT_CACHED } from './queries/cache.js';
import { claimByIdQuery, claimQuery, limitedCandidatesQuery } from './queries/claim-runs.js';
import { listRunsQuery } from './queries/list-runs.js';
import { EXPIRE_LEASES, LEASE_OWNERS } from './queries/lease-recovery.js';
import { overviewQueries } from './queries/overview.js';
import { UPSERT_CLAIM, listInboxQuery } from './queries/inbox.js';
import { listWorkflowCatalog, registerWorkflows } from './queries/workflow-catalog.js';
import * as definitions from './queries/definitions.js';

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
}

const FOLD_STATS_EVERY_MS = 5000;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** BIGINT columns (times) come back as numbers: they are epoch ms, far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export class PostgresStore implements Store {
  readonly capabilities: StoreCapabilities = { localNotifications: true, sharedAcrossProcesses: true };
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #foldStatsEveryMs: number;
  #foldTimer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(hint: StoreHint) => void>();
  readonly #channel: string;
  readonly #notices: NoticeListener | undefined;
  #initialized: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
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
    if (!Number.isSafeInteger(this.#foldStatsEveryMs) || this.#foldStatsEveryMs < 0) {
      throw new BatonError(ErrorCode.InvalidArgument, 'foldStatsEveryMs must be a whole number of ms, 0 or more.', { retryable: false });
    }
    this.#channel = channelName(schema);
    const connection: pg.ClientConfig = {
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      ...options.pool,
    };
    this.#notices = options.listen === false ? undefined : new NoticeListener(connection, this.#channel, (hint) => this.#notify([hint]));
    this.#pool = new pg.Pool({
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
    this.#pool.on('error', () => {});
    this.#pool.on('connect', (client) => client.on('error', () => {}));
  }

  async init(): Promise<void> {
    this.#initialized ??= (async () => {
      const client = await this.#connect();
      try {
        await migrate(client, this.schema, Date.now());
      } finally {
        client.release();
      }
      await this.#notices?.start();
      if (this.#foldStatsEveryMs > 0) {
        // A failed round (the database unreachable for a moment) is tried again at the next; overviews
        // stay complete meanwhile, adding up the changes not yet folded.
        this.#foldTimer = setInterval(() => void this.foldStats().catch(() => undefined), this.#foldStatsEveryMs);
        this.#foldTimer.unref();
      }
    })().catch((error: unknown) => {
      this.#initialized = undefined;
      throw storeError('init', error);
    });
    return this.#initialized;
  }

  async close(): Promise<void> {
    clearInterval(this.#foldTimer);
    await this.#notices?.close();
    await this.#pool.end();
  }

  /**
   * Folds the changes to the overview's hourly counts written since the last round into them (see
   * migration 0012); done every few seconds in the background.
   */
  async foldStats(): Promise<void> {
    await this.#query('SELECT fold_run_stats()');
  }

  /** Drops this deployment's schema and everything in it (for tests and teardown). */
  async dropSchema(): Promise<void> {
    await this.#pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(this.schema)} CASCADE`);
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #notify(hints: StoreHint[]): void {
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

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw storeError('connect', error);
    }
  }

  #assertInitialized(): void {
    if (this.#initialized === undefined) {
      throw new BatonError(ErrorCode.StoreError, 'The PostgreSQL store is not initialized: call await store.init() first (Engine.start() does it).', {
        retryable: false,
      });
    }
  }

  async #query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.#assertInitialized();
    try {
      return await this.#pool.query<R>(sql, params);
    } catch (error) {
      throw storeError('query', error);
    }
  }

  /** Runs `fn` in one transaction on one connection, then tells listeners what changed. */
  async #transaction<T>(fn: (db: pg.PoolClient, hints: StoreHint[]) => Promise<T>): Promise<T> {
    this.#assertInitialized();
    const client = await this.#connect();
    const hints: StoreHint[] = [];
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client, hints);
      // Notices go out at commit, to every process listening (this one included: hints are idempotent).
      if (this.#notices !== undefined) for (const notice of noticesFor(hints)) await client.query('SELECT pg_notify($1, $2)', [this.#channel, notice]);
      await client.query('COMMIT');
      this.#notify(hints);
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

  async createRun(run: NewRun, now: number, control?: StartControl, audit?: AuditEntry): Promise<{ run: RunRecord; created: boolean }> {
    if (control !== undefined) return this.#createCoalesced(run, now, control, audit);
    // One statement: the insert, its audit entry, and the notice that a run is ready (sent at its commit).
    const created = (
      await this.#query<RunRow>(
        `WITH ins AS (${INSERT_QUEUED} RETURNING *)${audit === undefined ? '' : `, audited AS (${auditIfAny('ins', 18)})`}
         SELECT ins.*, CASE WHEN $17::text IS NOT NULL THEN pg_notify($17, 'ready') END AS notified FROM ins`,
        [...queuedRunValues(run, now), this.#notices === undefined ? null : this.#channel, ...(audit === undefined ? [] : auditValues(audit))],
      )
    ).rows[0];
    if (created !== undefined) {
      this.#notify([{ type: 'ready', runId: run.id }]);
      return { run: toRunRecord(created), created: true };
    }
    const existing = await this.getRun(run.id);
    // Only a concurrent delete of the run could leave nothing here; its creator will have been told.
    if (existing === undefined) throw runNotFound(run.id);
    return { run: existing, created: false };
  }

  /** A debounced or throttled start: coalesced into the pending or current run of its key, or a new run. */
  async #createCoalesced(run: NewRun, now: number, control: StartControl, audit: AuditEntry | undefined): Promise<{ run: RunRecord; created: boolean }> {
    return this.#transaction(async (db, hints) => {
      const result = await this.#coalesce(db, hints, run, now, control);
      if (result.created) await writeAudit(db, audit);
      return result;
    });
  }

  async #coalesce(db: pg.ClientBase, hints: StoreHint[], run: NewRun, now: number, control: StartControl): Promise<{ run: RunRecord; created: boolean }> {
    if (control.debounce !== undefined) {
      const { key, delayMs, maxWaitMs } = control.debounce;
      const row = (
        await db.query<RunRow>(
          `INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
             concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags, ready_at, created_at, updated_at, debounce_key)
           VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $11, $12, $13, $14, $15, $16, $17, $10, $10, $18)
           ON CONFLICT (debounce_key) WHERE debounce_key IS NOT NULL AND status = 'queued' AND claims = 0 DO UPDATE SET
             input = excluded.input, concurrency_key = excluded.concurrency_key, concurrency_limit = excluded.concurrency_limit,
             rate_key = excluded.rate_key, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at,
             ready_at = LEAST(excluded.ready_at, runs.created_at + $19::bigint)
           RETURNING *`,
          [...queuedRunValues(run, now), now + delayMs, key, maxWaitMs ?? null],
        )
      ).rows[0]!;
      hints.push({ type: 'ready', runId: row.id });
      return { run: toRunRecord(row), created: row.id === run.id };
    }
    if (control.throttle !== undefined) {
      const { key, periodMs } = control.throttle;
      const taken = await db.query(
        `INSERT INTO throttles (key, run_id, until) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET run_id = excluded.run_id, until = excluded.until WHERE throttles.until <= $4`,
        [key, run.id, now + periodMs, now],
      );
      if ((taken.rowCount ?? 0) === 0) {
        // Another run holds this period: the start returns it.
        const existing = (await db.query<RunRow>('SELECT r.* FROM throttles t JOIN runs r ON r.id = t.run_id WHERE t.key = $1', [key])).rows[0];
        if (existing !== undefined) return { run: toRunRecord(existing), created: false };
      }
    }
    const created = await insertQueuedRun(db, run, now);
    if (created) hints.push({ type: 'ready', runId: run.id });
    return { run: toRunRecord((await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [run.id])).rows[0]!), created };
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = (await this.#query<RunRow>('SELECT * FROM runs WHERE id = $1', [id])).rows[0];
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    const { sql, params, limit } = listRunsQuery(filter);
    const rows = (await this.#query<RunRow>(sql, params)).rows;
    const page: RunPage = { runs: rows.slice(0, limit).map(toRunRecord) };
    if (rows.length > limit) {
      const last = rows[limit - 1]!;
      page.nextCursor = encodeRunCursor(last.created_at, last.id);
    }
    return page;
  }

  async getJournal(runId: string): Promise<JournalEntry[]> {
    return (await this.#query<JournalRow>('SELECT * FROM journal WHERE run_id = $1 ORDER BY seq', [runId])).rows.map(toJournalEntry);
  }

  async getSignals(runId: string, options: { includeConsumed?: boolean } = {}): Promise<(SignalRecord & { consumed: boolean })[]> {
    const rows = (
      await this.#query<{ id: number; run_id: string; name: string; payload: string; created_at: number; consumed: number }>(
        'SELECT * FROM signals WHERE run_id = $1 ORDER BY id',
        [runId],
      )
    ).rows;
    return rows.filter((r) => options.includeConsumed === true || r.consumed === 0).map((r) => ({ ...toSignal(r), consumed: r.consumed === 1 }));
  }

  async claimRuns(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (request.workflows.length === 0 || request.limit <= 0) return [];
    const { sql, params } = claimQuery(request.workflows, request.owner, request.now, request.leaseMs, request.limit, request.queues);
    // The claim is one statement and commits alone. What the engine needs to replay the runs is read
    // after it, in one statement, so in one snapshot: every write of an earlier lease holder is
    // either committed by then or fenced out by the new tokens.
    const rows = (await this.#query<RunRow & { picked_ready_at: number }>(sql, params)).rows;
    // RETURNING keeps no order: claims go out by priority, then by how long they have been ready.
    rows.sort((a, b) => b.priority - a.priority || a.picked_ready_at - b.picked_ready_at || (a.id < b.id ? -1 : 1));
    if (request.flowControl === true && rows.length < request.limit) rows.push(...(await this.#admit(request, request.limit - rows.length)));
    if (rows.length === 0) return [];
    const state = new Map((await this.#query<ClaimedState>(CLAIMED_STATE, [rows.map((r) => r.id)])).rows.map((r) => [r.id, r]));
    return rows.map((row) => {
      const s = state.get(row.id)!;
      return {
        run: toRunRecord(row),
        leaseToken: row.lease_token!,
        journal: s.journal.map(toJournalEntry),
        signals: s.signals.map(toSignal),
        signalHorizon: s.horizon,
        stepRetries: s.retries.map(toStepRetry),
        children: s.children.map(toChild),
      };
    });
  }

  /**
   * The flow-control claim: under a transaction-scoped advisory lock (one admission at a time per
   * deployment, so running counts and limiter states cannot change underneath), reads the limited
   * candidates, the slots they would take and their limiters, and claims what the limits admit.
   * Rate-limited runs are held back until they conform.
   */
  async #admit(request: ClaimRequest, max: number): Promise<(RunRow & { picked_ready_at: number })[]> {
    const { sql, params } = limitedCandidatesQuery(request.workflows, request.now, Math.max(100, max * 4), request.queues);
    // Nothing due under a limit (the usual case): no transaction, no lock.
    const peek = (await this.#query<FlowCandidateRow>(sql, params)).rows;
    if (peek.length === 0) return [];
    return this.#transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:flow:${this.schema}`]);
      const rows = (await db.query<FlowCandidateRow>(sql, params)).rows;
      if (rows.length === 0) return [];
      const queueNames = [...new Set(rows.map((r) => r.queue))];
      const keys = [...new Set(rows.flatMap((r) => (r.concurrency_key === null ? [] : [r.concurrency_key])))];
      const limiterKeys = [...new Set([...queueNames.map(queueRateKey), ...rows.flatMap((r) => (r.rate_key === null ? [] : [r.rate_key]))])];
      const counts = await db.query<{ slot: string; n: number }>(
        `SELECT 'queue:' || queue AS slot, COUNT(*)::int AS n FROM runs WHERE status = 'running' AND queue = ANY($1::text[]) GROUP BY queue
         UNION ALL
         SELECT concurrency_key, COUNT(*)::int FROM runs WHERE status = 'running' AND concurrency_key = ANY($2::text[]) GROUP BY concurrency_key`,
        [queueNames, keys],
      );
      const limiters = await db.query<{ key: string; tat: number }>('SELECT key, tat FROM rate_limiters WHERE key = ANY($1::text[])', [limiterKeys]);
      const queues = new Map((await this.#queueRecords(db)).map((q) => [q.name, { concurrency: q.concurrency ?? null, rate: q.rateLimit ?? null }]));
      const admission = admitRuns(
        rows.map(toFlowCandidate),
        { running: new Map(counts.rows.map((c) => [c.slot, c.n])), queues, tats: new Map(limiters.rows.map((l) => [l.key, l.tat])) },
        request.now,
        max,
      );
      if (admission.tats.size > 0) {
        await db.query(
          `INSERT INTO rate_limiters (key, tat) SELECT * FROM unnest($1::text[], $2::float8[])
           ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`,
          [[...admission.tats.keys()], [...admission.tats.values()]],
        );
      }
      if (admission.delayed.length > 0) {
        // A held-back run is due again when it conforms: the engines' wake timers find it (nextWakeAt).
        await db.query(
          `UPDATE runs r SET ready_at = d.until, updated_at = $3 FROM unnest($1::text[], $2::bigint[]) AS d(id, until)
           WHERE r.id = d.id AND r.status = 'queued'`,
          [admission.delayed.map((d) => d.id), admission.delayed.map((d) => d.until), request.now],
        );
      }
      if (admission.admitted.length === 0) return [];
      const claim = claimByIdQuery(request.workflows, request.owner, request.now, request.leaseMs, admission.admitted);
      const claimed = (await db.query<RunRow & { picked_ready_at: number }>(claim.sql, claim.params)).rows;
      const order = new Map(admission.admitted.map((id, i) => [id, i]));
      return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    });
  }

  async #queueRecords(db: pg.Pool | pg.ClientBase): Promise<QueueRecord[]> {
    return (await db.query<QueueRow>('SELECT name, concurrency, rate_limit FROM queues ORDER BY name')).rows.map(toQueueRecord);
  }

  async defineQueues(queues: QueueRecord[], now: number): Promise<void> {
    if (queues.length === 0) return;
    await this.#transaction(async (db, hints) => {
      await db.query(
        `INSERT INTO queues (name, concurrency, rate_limit, updated_at) SELECT n, c, r, $4 FROM unnest($1::text[], $2::int[], $3::text[]) AS q(n, c, r)
         ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at`,
        [
          queues.map((q) => q.name),
          queues.map((q) => q.concurrency ?? null),
          queues.map((q) => (q.rateLimit === undefined ? null : JSON.stringify(q.rateLimit))),
          now,
        ],
      );
      // Limits changed: runs they held back (or now hold back) are looked at again.
      hints.push({ type: 'ready', runId: '' });
    });
  }

  async acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision> {
    const { interval, tolerance } = rateParameters(rate);
    // The generic cell rate algorithm in one statement: takes an event if the limiter conforms now.
    const taken = await this.#query<{ tat: number }>(
      `INSERT INTO rate_limiters AS l (key, tat) VALUES ($1, $2::float8 + $3::float8)
       ON CONFLICT (key) DO UPDATE SET tat = GREATEST(l.tat, $2::float8) + $3::float8
       WHERE GREATEST(l.tat, $2::float8) - $4::float8 <= $2::float8
       RETURNING tat`,
      [key, now, interval, tolerance],
    );
    if (taken.rows[0] !== undefined) return { allowed: true, tat: taken.rows[0].tat };
    const row = (await this.#query<{ tat: number }>('SELECT tat FROM rate_limiters WHERE key = $1', [key])).rows[0];
    return { allowed: false, retryAt: conformsAt(row?.tat ?? now, rate, now) };
  }

  async saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord> {
    const values = scheduleValues(schedule);
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    const conflict = mode === 'create' ? 'DO NOTHING' : `DO UPDATE SET ${SCHEDULE_UPSERT}`;
    const row = (
      await this.#audited<ScheduleRow>(
        `INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) ${conflict} RETURNING *`,
        values,
        audit,
      )
    ).rows[0];
    if (row === undefined) throw scheduleExists(schedule.id);
    this.#notify([{ type: 'ready', runId: '' }]);
    return toScheduleRecord(row);
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const row = (await this.#query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1', [id])).rows[0];
    return row === undefined ? undefined : toScheduleRecord(row);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return (await this.#query<ScheduleRow>('SELECT * FROM schedules ORDER BY id')).rows.map(toScheduleRecord);
  }

  async deleteSchedule(id: string, audit?: AuditEntry): Promise<boolean> {
    return (await this.#audited('DELETE FROM schedules WHERE id = $1 RETURNING id', [id], audit)).rows.length > 0;
  }

  /**
   * One statement that makes a change (`sql`, with RETURNING) and, if it changed a row, writes
   * `audit` with it; the statement's rows are returned.
   */
  async #audited<R extends pg.QueryResultRow>(sql: string, values: unknown[], audit: AuditEntry | undefined): Promise<pg.QueryResult<R>> {
    if (audit === undefined) return this.#query<R>(sql, values);
    return this.#query<R>(`WITH changed AS (${sql}), audited AS (${auditIfAny('changed', values.length + 1)}) SELECT * FROM changed`, [
      ...values,
      ...auditValues(audit),
    ]);
  }

  async pruneCodeSchedules(workflows: string[], keep: string[]): Promise<void> {
    await this.#query("DELETE FROM schedules WHERE source = 'code' AND workflow = ANY($1::text[]) AND NOT (id = ANY($2::text[]))", [workflows, keep]);
  }

  async setSchedulePaused(id: string, paused: boolean, nextAt: number | undefined, now: number, audit?: AuditEntry): Promise<ScheduleRecord> {
    const row = (
      await this.#audited<ScheduleRow>(
        'UPDATE schedules SET paused = $2, next_at = $3, updated_at = $4 WHERE id = $1 RETURNING *',
        [id, paused ? 1 : 0, paused ? null : (nextAt ?? null), now],
        audit,
      )
    ).rows[0];
    if (row === undefined) throw scheduleNotFound(id);
    this.#notify([{ type: 'ready', runId: '' }]);
    return toScheduleRecord(row);
  }

  async nextScheduleAt(): Promise<number | undefined> {
    const row = (await this.#query<{ at: number | null }>('SELECT MIN(next_at) AS at FROM schedules WHERE next_at IS NOT NULL')).rows[0];
    return row?.at ?? undefined;
  }

  async dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]> {
    return (
      await this.#query<ScheduleRow>('SELECT * FROM schedules WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at LIMIT $2', [now, limit])
    ).rows.map(toScheduleRecord);
  }

  async fireSchedule(fire: ScheduleFire, now: number): Promise<boolean> {
    return this.#transaction(async (db, hints) => {
      const moved = await db.query(
        'UPDATE schedules SET next_at = $1, last_tick_at = COALESCE($2, last_tick_at), last_run_id = COALESCE($3, last_run_id), updated_at = $4 WHERE id = $5 AND next_at = $6 AND paused = 0',
        [fire.nextAt ?? null, fire.lastTickAt ?? null, fire.lastRunId ?? null, now, fire.id, fire.expectedNextAt],
      );
      if ((moved.rowCount ?? 0) === 0) return false;
      for (const run of fire.runs) {
        if (!(await insertQueuedRun(db, run, now))) continue;
        hints.push({ type: 'ready', runId: run.id });
        await recordStarted(db, scheduleOrigin(fire.id), run.id, now);
      }
      await writeAudit(db, fire.audit);
      const holds = fire.holds ?? [];
      if (holds.length > 0) {
        await db.query(
          `UPDATE runs r SET after_run = h.after, ready_at = CASE
             WHEN EXISTS (SELECT 1 FROM runs p WHERE p.id = h.after AND p.status NOT IN ('completed', 'failed', 'cancelled')) THEN NULL ELSE r.ready_at END
           FROM unnest($1::text[], $2::text[]) AS h(id, after) WHERE r.id = h.id AND r.status = 'queued' AND r.claims = 0`,
          [holds.map((h) => h.runId), holds.map((h) => h.after)],
        );
      }
      return true;
    });
  }

  async emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }> {
    return this.#transaction(async (db, hints) => {
      // One emit at a time per deployment: the log's order is its commit order, and a wait registered
      // before this emit is seen by it (registrations take the same lock).
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:events:${this.schema}`]);
      const inserted = (
        await db.query<EventRow>(
          `INSERT INTO events (id, type, source, subject, time, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (source, id) DO NOTHING RETURNING *`,
          [event.id, event.type, event.source, event.subject ?? null, event.time, event.data, now],
        )
      ).rows[0];
      if (inserted === undefined) {
        const existing = (await db.query<EventRow>('SELECT * FROM events WHERE source = $1 AND id = $2', [event.source, event.id])).rows[0]!;
        return { event: toEventRecord(existing), created: false };
      }
      const triggers = (await db.query<EventTriggerRow>('SELECT * FROM event_triggers WHERE type = $1 ORDER BY workflow, n', [event.type])).rows.map(
        toEventTrigger,
      );
      const waits = (
        await db.query<EventWaitRow>(
          "SELECT w.* FROM event_waits w JOIN runs r ON r.id = w.run_id WHERE w.type = $1 AND r.status NOT IN ('completed', 'failed', 'cancelled') ORDER BY w.run_id, w.seq",
          [event.type],
        )
      ).rows.map(toEventWait);
      const plan = planEmit(event, Number(inserted.seq), triggers, waits);
      for (const run of plan.runs) {
        if (!(await insertQueuedRun(db, run, now))) continue;
        hints.push({ type: 'ready', runId: run.id });
        await recordStarted(db, eventOrigin(Number(inserted.seq)), run.id, now);
      }
      for (const d of plan.deliveries) {
        await storeSignal(db, d.runId, d.signal, d.payload, now, hints);
        await db.query('DELETE FROM event_waits WHERE run_id = $1 AND seq = $2', [d.runId, d.seq]);
      }
      // Waits of runs that ended are of no use any more.
      await db.query("DELETE FROM event_waits WHERE type = $1 AND run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled'))", [
        event.type,
      ]);
      await writeAudit(db, audit);
      return { event: toEventRecord(inserted), created: true };
    });
  }

  async listEvents(filter: { type?: string; after?: number; before?: number; newestFirst?: boolean; limit: number }): Promise<EventRecord[]> {
    const rows = (
      await this.#query<EventRow>(
        `SELECT * FROM events WHERE seq > $1 AND ($2::bigint IS NULL OR seq < $2) AND ($3::text IS NULL OR type = $3)
         ORDER BY seq ${filter.newestFirst === true ? 'DESC' : ''} LIMIT $4`,
        [filter.after ?? 0, filter.before ?? null, filter.type ?? null, filter.limit],
      )
    ).rows;
    return rows.map(toEventRecord);
  }

  async listTriggers(): Promise<EventTriggerRecord[]> {
    return (await this.#query<EventTriggerRow>(LIST_TRIGGERS)).rows.map(toEventTrigger);
  }

  async listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]> {
    const { sql, params } = listStartedQuery(filter);
    return (await this.#query<StartedRow>(sql, params)).rows.map(toStartedRun);
  }

  async saveTriggers(workflows: string[], triggers: EventTriggerRecord[]): Promise<void> {
    await this.#transaction(async (db) => {
      await db.query('DELETE FROM event_triggers WHERE workflow = ANY($1::text[])', [workflows]);
      if (triggers.length === 0) return;
      await db.query(
        `INSERT INTO event_triggers (workflow, n, type, match, input, queue, priority)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])`,
        [
          triggers.map((t) => t.workflow),
          triggers.map((_, n) => n),
          triggers.map((t) => t.type),
          triggers.map((t) => (t.match === undefined ? null : JSON.stringify(t.match))),
          triggers.map((t) => t.input),
          triggers.map((t) => t.queue),
          triggers.map((t) => t.priority),
        ],
      );
    });
  }

  async registerEventWait(wait: EventWaitRecord, now: number): Promise<void> {
    await this.#transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:events:${this.schema}`]);
      await db.query('INSERT INTO event_waits (run_id, seq, type, match, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, seq) DO NOTHING', [
        wait.runId,
        wait.seq,
        wait.type,
        wait.match === undefined ? null : JSON.stringify(wait.match),
        now,
      ]);
    });
  }

  async createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void> {
    await this.#audited(
      'INSERT INTO api_keys (id, name, role, namespace, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id',
      [key.id, key.name, key.role, key.namespace, key.hash, key.createdAt],
      audit,
    );
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = (await this.#query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id])).rows[0];
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.#query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).rows.map(toApiKeyRecord);
  }

  async revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean> {
    return (await this.#audited('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id, now], audit)).rows.length > 0;
  }

  async listQueues(): Promise<QueueRecord[]> {
    this.#assertInitialized();
    try {
      return await this.#queueRecords(this.#pool);
    } catch (error) {
      throw storeError('query', error);
    }
  }

  async renewLeases(_owner: string, leases: Lease[], now: number, leaseMs: number): Promise<LeaseStatus[]> {
    if (leases.length === 0) return [];
    const result = await this.#query<{ id: string; cancel_requested: number }>(
      `UPDATE runs r SET lease_expires_at = $3, ready_at = $3
       FROM unnest($1::text[], $2::text[]) AS l(id, token)
       WHERE r.id = l.id AND r.lease_token = l.token AND r.status = 'running'
       RETURNING r.id, r.cancel_requested`,
      [leases.map((l) => l.runId), leases.map((l) => l.token), now + leaseMs],
    );
    const held = new Map(result.rows.map((r) => [r.id, r.cancel_requested === 1]));
    return leases.map((l) => ({ runId: l.runId, held: held.has(l.runId), cancelRequested: held.get(l.runId) === true }));
  }

  async leaseOwners(now: number): Promise<string[]> {
    return (await this.#query<{ owner: string }>(LEASE_OWNERS, [now])).rows.map((r) => r.owner);
  }

  async expireLeases(owner: string, now: number): Promise<string[]> {
    return (await this.#query<{ id: string }>(EXPIRE_LEASES, [now, owner])).rows.map((r) => r.id);
  }

  async commit(ops: WriteOp[], now: number): Promise<WriteResult[]> {
    // Fast path: the whole batch in one statement, so one round trip and one WAL flush.
    this.#assertInitialized();
    const hints: StoreHint[] = [];
    try {
      const results = await applyBatch(this.#pool, ops, now, this.#notices === undefined ? undefined : this.#channel, hints);
      this.#notify(hints);
      return results;
    } catch (error) {
      if (!isConstraintError(error)) throw storeError('commit', error);
    }
    // An op broke a constraint (a position written twice): each op gets a savepoint of its own.
    return this.#transaction(async (db, hints) => {
      const results: WriteResult[] = [];
      for (const op of ops) {
        const opHints: StoreHint[] = [];
        await db.query('SAVEPOINT op');
        try {
          const result = await applyWrite(db, op, now, opHints);
          if (result.ok) await writeAudit(db, op.audit);
          results.push(result);
          await db.query('RELEASE SAVEPOINT op');
          hints.push(...opHints);
        } catch (error) {
          await db.query('ROLLBACK TO SAVEPOINT op');
          if (!isConstraintError(error)) throw error;
          results.push({ ok: false, reason: 'conflict' });
        }
      }
      return results;
    });
  }

  async nextWakeAt(_workflows: WorkflowRef[], now: number): Promise<number | undefined> {
    // Due runs a limit holds back are left out (a freed slot announces itself); queued runs due later count.
    const row = (
      await this.#query<{ at: number | null }>(
        `SELECT LEAST(
           (SELECT MIN(ready_at) FROM runs WHERE ready_at IS NOT NULL AND status <> 'queued'
              AND (ready_at > $1 OR (concurrency_key IS NULL AND rate_key IS NULL AND queue NOT IN (${LIMITED_QUEUES})))),
           (SELECT MIN(ready_at) FROM runs WHERE status = 'queued' AND ready_at > $1)) AS at`,
        [now],
      )
    ).rows[0];
    return row?.at ?? undefined;
  }

  async sendSignal(runId: string, name: string, payload: string, now: number, audit?: AuditEntry): Promise<SignalRecord> {
    return this.#transaction(async (db, hints) => {
      // The row lock orders this signal against a suspend of the same run: one of them sees the other.
      const run = await lockRun(db, runId);
      if (isTerminalStatus(run.status as RunRecord['status'])) {
        throw runEnded(runId, run.status, { signal: name });
      }
      await writeAudit(db, audit);
      return storeSignal(db, runId, name, payload, now, hints);
    });
  }

  async requestCancel(runId: string, now: number, reason?: StoredError, audit?: AuditEntry): Promise<RunRecord> {
    return this.#transaction(async (db, hints) => {
      const run = await lockRun(db, runId);
      if (isTerminalStatus(run.status as RunRecord['status'])) {
        throw runEnded(runId, run.status, 'cancel');
      }
      const error = errorText(reason ?? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${runId} was cancelled.` });
      if (run.status === 'queued' && run.claims === 0) {
        await db.query("UPDATE runs SET status = 'cancelled', error = $2, ready_at = NULL, ended_at = $3, updated_at = $3 WHERE id = $1", [runId, error, now]);
        hints.push({ type: 'finished', runId, status: 'cancelled' });
        await releaseHeld(db, runId, now, hints);
        if (run.parent_id !== null && (await wakeParent(db, run.parent_id, runId, now))) hints.push({ type: 'ready', runId: run.parent_id });
      } else if (run.cancel_requested === 0) {
        await db.query(
          "UPDATE runs SET cancel_requested = 1, cancel_error = $2, updated_at = $3, ready_at = CASE WHEN status = 'waiting' THEN $3 ELSE ready_at END WHERE id = $1",
          [runId, error, now],
        );
        hints.push({ type: 'cancelRequested', runId, ...(reason === undefined ? {} : { reason }) }, { type: 'ready', runId });
      }
      await writeAudit(db, audit);
      return toRunRecord((await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [runId])).rows[0]!);
    });
  }

  async requeue(runId: string, mode: 'retry' | 'resume', now: number, audit?: AuditEntry): Promise<RunRecord> {
    return this.#transaction(async (db, hints) => {
      const run = await lockRun(db, runId);
      assertRequeueable(runId, run, mode);
      const requeueTree = async (id: string): Promise<void> => {
        if (mode === 'retry') {
          const failedChildren = await db.query<{ id: string; phase: string }>(
            `SELECT c.id, c.phase FROM journal j JOIN runs c ON c.parent_id = j.run_id AND c.parent_seq = j.seq
             WHERE j.run_id = $1 AND j.status = 'failed' AND j.kind = 'child' AND c.status = 'failed' AND c.continued_to IS NULL`,
            [id],
          );
          for (const child of failedChildren.rows) if (child.phase !== 'compensating') await requeueTree(child.id);
          await db.query(
            `INSERT INTO journal_history (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, set_aside_at)
             SELECT run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, $2
             FROM journal WHERE run_id = $1 AND status = 'failed' AND kind IN ('step', 'child')`,
            [id, now],
          );
          await db.query("DELETE FROM journal WHERE run_id = $1 AND status = 'failed' AND kind IN ('step', 'child')", [id]);
          await db.query('DELETE FROM step_retries WHERE run_id = $1', [id]);
        }
        await db.query(
          `UPDATE runs SET status = 'queued', error = NULL, output = NULL, ended_at = NULL, ready_at = $2, wake_at = NULL,
             phase = 'body', end_status = NULL, compensation_plan = NULL, cancel_requested = 0, cancel_error = NULL, updated_at = $2 WHERE id = $1`,
          [id, now],
        );
        hints.push({ type: 'ready', runId: id });
      };
      await requeueTree(runId);
      await writeAudit(db, audit);
      return toRunRecord((await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [runId])).rows[0]!);
    });
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#query(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, auditValues(entry));
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    const { sql, params } = listAuditQuery(filter);
    return (await this.#query<AuditRow>(sql, params)).rows.map(toAuditRecord);
  }

  async listChanges(filter: ChangeFilter): Promise<ChangePage> {
    const after: ChangePosition = filter.after === undefined ? [0n, 0n] : parsePosition(filter.after);
    const { sql, params } = listChangesQuery(filter, after);
    type Row = ChangeRow & { id: string | null; position_xid: string | null; horizon: string; pruned_xid: string | null; pruned_id: string | null };
    const rows = (await this.#query<Row>(sql, params)).rows;
    const first = rows[0]!;
    const found = rows.filter((row) => row.id !== null);
    const last = found[found.length - 1];
    const horizon: ChangePosition = [BigInt(first.horizon), 0n];
    let cursor: ChangePosition = after;
    if (found.length === filter.limit && last !== undefined) cursor = [BigInt(last.position_xid!), BigInt(last.id!)];
    else if (positionBefore(after, horizon)) cursor = horizon;
    const pruned: ChangePosition | undefined = first.pruned_xid === null ? undefined : [BigInt(first.pruned_xid), BigInt(first.pruned_id!)];
    return {
      changes: found.map((row) => toChangeRecord(row, positionText([BigInt(row.position_xid!), BigInt(row.id!)]))),
      cursor: positionText(cursor),
      gap: filter.after !== undefined && pruned !== undefined && positionBefore(after, pruned),
    };
  }

  async changeCursor(): Promise<string> {
    const row = (await this.#query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin')).rows[0]!;
    return positionText([BigInt(row.xmin), 0n]);
  }

  async pruneChanges(before: number): Promise<number> {
    let deleted = 0;
    // In chunks, each its own transaction, so no writer waits for a long delete.
    for (;;) {
      const n = (await this.#query<{ n: number }>(PRUNE_CHANGES, [before])).rows[0]!.n;
      deleted += n;
      if (n < 5000) return deleted;
    }
  }

  async stats(now: number): Promise<StoreStats> {
    const [queued, defined, counts] = await Promise.all([
      this.#query<StatsQueueRow>(STATS_QUEUED, [now]),
      this.#query<{ name: string }>('SELECT name FROM queues'),
      this.#query<StatsCountRow>(STATS_COUNTS, [now]),
    ]);
    return toStoreStats(queued.rows, defined.rows, counts.rows[0]!);
  }

  async overview(filter: OverviewFilter): Promise<Overview> {
    assertOverviewFilter(filter);
    const { statsUntil } = overviewPlan(filter);
    const fromStats = statsUntil > filter.since;
    const q = overviewQueries(filter, statsUntil);
    // One REPEATABLE READ transaction: every aggregate sees the same snapshot.
    const rows = await this.#transaction(async (db) => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const read = async (query: { sql: string; params: unknown[] }) => (await db.query(query.sql, query.params)).rows;
      return {
        stats: fromStats ? await read(q.stats) : [],
        created: await read(q.created),
        ended: await read(q.ended),
        durations: fromStats ? [] : await read(q.durations),
        durationBins: fromStats ? await read(q.durationBins) : [],
        queued: await read(q.queued),
        definedQueues: await read({ sql: 'SELECT name FROM queues', params: [] }),
        waitingForHumans: ((await read(q.waitingForHumans))[0] as { n: number }).n,
        llm: fromStats ? [(await read(q.llm))[0], (await read(q.llmStats))[0]] : [(await read(q.llm))[0]],
      } as OverviewRows;
    });
    return toOverview(filter, rows);
  }

  async listInbox(filter: InboxFilter): Promise<InboxPage> {
    const { sql, params } = listInboxQuery(filter);
    return toInboxPage((await this.#query<InboxRow>(sql, params)).rows, filter.limit);
  }

  async claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim> {
    return this.#transaction(async (db) => {
      // The row lock orders the claim against the run's own changes: it sees the wait as it is.
      assertWaitingForPerson(toRunRecord(await lockRun(db, claim.runId)));
      await db.query(UPSERT_CLAIM, [claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt]);
      await writeAudit(db, audit);
      return claim;
    });
  }

  async releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean> {
    return (await this.#audited('DELETE FROM inbox_claims WHERE run_id = $1 RETURNING run_id', [runId], audit)).rows.length > 0;
  }

  async getCached(key: string, now: number): Promise<CacheEntry | undefined> {
    return (await this.#query<CacheEntry>(GET_CACHED, [key, now])).rows[0];
  }

  async putCached(entry: CacheEntry): Promise<void> {
    await this.#query(PUT_CACHED, [entry.key, entry.value, entry.createdAt, entry.expiresAt, entry.hits ?? 0]);
  }

  async registerWorkflows(workflows: CatalogRegistration[], now: number): Promise<void> {
    this.#assertInitialized();
    if (workflows.length === 0) return;
    await this.#transaction((db) => registerWorkflows(db, this.schema, workflows, now));
  }

  async listWorkflowCatalog(filter?: CatalogFilter): Promise<CatalogWorkflow[]> {
    this.#assertInitialized();
    try {
      return await listWorkflowCatalog(this.#pool, filter);
    } catch (error) {
      throw storeError('query', error);
    }
  }

  async deployDefinition(definition: NewDefinition, now: number, audit?: AuditEntry): Promise<DeployOutcome> {
    this.#assertInitialized();
    return this.#transaction((db) => definitions.deployDefinition(db, this.schema, definition, now, audit));
  }

  async getDefinition(name: string, version: string): Promise<StoredDefinition | undefined> {
    return this.#read(() => definitions.getDefinition(this.#pool, name, version));
  }

  async listDefinitions(filter?: DefinitionFilter): Promise<StoredDefinition[]> {
    return this.#read(() => definitions.listDefinitions(this.#pool, filter));
  }

  async listDefinitionVersions(name: string): Promise<DefinitionVersion[]> {
    return this.#read(() => definitions.listDefinitionVersions(this.#pool, name));
  }

  async listDefinitionSummaries(): Promise<DefinitionSummary[]> {
    return this.#read(() => definitions.listDefinitionSummaries(this.#pool));
  }

  async latestDefinitionSeq(): Promise<number> {
    return this.#read(() => definitions.latestDefinitionSeq(this.#pool));
  }

  /** A read through the pool, its failure a store error. */
  async #read<T>(fn: () => Promise<T>): Promise<T> {
    this.#assertInitialized();
    try {
      return await fn();
    } catch (error) {
      throw storeError('query', error);
    }
  }

  async pruneCached(now: number): Promise<number> {
    let deleted = 0;
    // In chunks, each its own transaction, so no writer waits for a long delete.
    for (;;) {
      const n = (await this.#query<{ n: number }>(PRUNE_CACHED, [now])).rows[0]!.n;
      deleted += n;
      if (n < PRUNE_CACHED_CHUNK) return deleted;
    }
  }
}

const STATS_QUEUED = `SELECT queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
    MIN(ready_at) FILTER (WHERE ready_at <= $1) AS oldest_ready_at
  FROM runs WHERE status = 'queued' GROUP BY queue`;

// Event waits are signal waits under a '$event:' name; only waits for real signals count here.
const STATS_COUNTS = `SELECT
    COUNT(*) FILTER (WHERE status = 'running') AS running,
    COUNT(*) FILTER (WHERE status = 'running' AND lease_expires_at <= $1) AS expired,
    COUNT(*) FILTER (WHERE status = 'waiting') AS waiting,
    COUNT(*) FILTER (WHERE status = 'waiting' AND EXISTS (
      SELECT 1 FROM jsonb_array_elements_text(waits::jsonb -> 'signals') AS s(name) WHERE s.name NOT LIKE '$event:%'
    )) AS waiting_for_signal
  FROM runs WHERE status IN ('running', 'waiting')`;

const LIMITED_QUEUES = 'SELECT name FROM queues WHERE concurrency IS NOT NULL OR rate_limit IS NOT NULL';

/**
 * A claimed run's journal, pending signals, signal horizon, step retries and children, as JSON per
 * run. Journal inputs are informational (replay never reads them), so they stay in the database.
 */
const CLAIMED_STATE = `
  SELECT r.id,
    (SELECT COALESCE(json_agg(j ORDER BY j.seq), '[]') FROM (
       SELECT run_id, seq, kind, name, status, NULL::text AS input, output, error, attempts, started_at, ended_at, compensates
       FROM journal WHERE run_id = r.id) j) AS journal,
    (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'run_id', s.run_id, 'name', s.name, 'payload', s.payload, 'created_at', s.created_at)
       ORDER BY s.id), '[]') FROM signals s WHERE s.run_id = r.id AND s.consumed = 0) AS signals,
    (SELECT COALESCE(MAX(s.id), 0) FROM signals s WHERE s.run_id = r.id) AS horizon,
    (SELECT COALESCE(json_agg(t), '[]') FROM step_retries t WHERE t.run_id = r.id) AS retries,
    (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'parent_id', c.parent_id, 'parent_seq', c.parent_seq, 'status', c.status,
       'output', c.output, 'error', c.error, 'continued_to', c.continued_to)), '[]') FROM runs c WHERE c.parent_id = r.id) AS children
  FROM unnest($1::text[]) AS r(id)`;

interface ClaimedState {
  id: string;
  journal: JournalRow[];
  signals: { id: number; run_id: string; name: string; payload: string; created_at: number }[];
  horizon: number;
  retries: { run_id: string; seq: number; attempts: number; next_attempt_at: number; error: string | null }[];
  children: {
    id: string;
    parent_id: string;
    parent_seq: number | null;
    status: string;
    output: string | null;
    error: string | null;
    continued_to: string | null;
  }[];
}

/** True when a PostgreSQL server answers at `connectionString` within `timeoutMs` (for tools and tests). */
export async function canConnect(connectionString: string, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function lockRun(db: pg.ClientBase, runId: string): Promise<RunRow> {
  const row = (await db.query<RunRow>('SELECT * FROM runs WHERE id = $1 FOR UPDATE', [runId])).rows[0];
  if (row === undefined) throw runNotFound(runId);
  return row;
}

function isBatonError(error: unknown): error is BatonError {
  return typeof error === 'object' && error !== null && (error as { isBatonError?: unknown }).isBatonError === true;
}

function isConstraintError(error: unknown): boolean {
  const cause = isBatonError(error) ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('23');
}

/** Connection failures, deadlocks and serialization failures are worth another try; the rest are not. */
function storeError(what: string, cause: unknown): BatonError {
  const code = (cause as { code?: unknown }).code;
  const retryable =
    code === undefined ||
    (typeof code === 'string' &&
      (code.startsWith('08') ||
        code === '40P01' ||
        code === '40001' ||
        code === '57P01' ||
        code === '57P03' ||
        code === 'ECONNREFUSED' ||
        code === 'ECONNRESET'));
  return new BatonError(ErrorCode.StoreError, `PostgreSQL ${what} failed: ${(cause as Error).message}`, { cause, retryable });
}
