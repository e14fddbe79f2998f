/**
 * The embedded Store on one SQLite file (WAL). Every state change is one IMMEDIATE transaction, so
 * several processes on one machine can share the file; group commits apply many writes per fsync.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type CatalogFilter, type CatalogRegistration, type CatalogWorkflow, type DefinitionFilter, type DefinitionSummary } from '@baton/core';
import { type DefinitionVersion, type DeployOutcome, type NewDefinition, type StoredDefinition, BatonError, ErrorCode, isTerminalStatus } from '@baton/core';
import { runNotFound, type JournalEntry, type NewRun, type RunFilter, type RunPage, type RunRecord, type SignalRecord, type Store } from '@baton/core';
import { type StoredError, type StartControl, type ApiKeyRecord, type EventRecord, type EventTriggerRecord, type EventWaitRecord } from '@baton/core';
import { type NewEvent, type StartedRun, type StartedRunFilter, type ScheduleRecord, scheduleNotFound, type RateLimit, type QueueRecord } from '@baton/core';
import { type StoreStats, type AuditEntry, type AuditFilter, type AuditRecord, type ChangeFilter, type ChangePage, type CacheEntry } from '@baton/core';
import { type InboxClaim, type InboxFilter, type InboxPage, type Overview, type OverviewFilter } from '@baton/core';
import { assertRequeueable, encodeRunCursor, runEnded, type ClaimRequest, type ClaimedRun, type Lease, type LeaseStatus } from '@baton/core/store-kit';
import { type StoreCapabilities, type StoreHint, type WorkflowRef, type WriteOp, type WriteResult, admitRuns, queueRateKey } from '@baton/core/store-kit';
import { queueSlot, toFlowCandidate, toQueueRecord, type FlowCandidateRow, type QueueRow, type ApiKeyRow, toApiKeyRecord } from '@baton/core/store-kit';
import { type EventRow, type EventTriggerRow, type EventWaitRow, planEmit, toEventRecord, toEventTrigger, eventOrigin } from '@baton/core/store-kit';
import { scheduleOrigin, toEventWait, type ScheduleFire, type ScheduleRow, toScheduleRecord, scheduleValues, scheduleExists } from '@baton/core/store-kit';
import { SCHEDULE_COLUMNS, SCHEDULE_UPSERT, type RateDecision, rateParameters, conformsAt, type StatsQueueRow } from '@baton/core/store-kit';
import { type StatsCountRow, toStoreStats, type AuditRow, type ChangeRow, toAuditRecord, toChangeRecord, assertOverviewFilter } from '@baton/core/store-kit';
import { assertWaitingForPerson, toInboxPage, toOverview, overviewPlan, type InboxRow, type OverviewRows } from '@baton/core/store-kit';
import { migrate } from './migrate.js';
import { applyAudited, insertQueuedRun, releaseHeld, runParams, storeSignal, writeAudit } from './queries/apply-write.js';
import { CHANGE_WINDOW, listAuditQuery, listChangesQuery } from './queries/activity.js';
import { claimStatement, limitedCandidatesStatement, type ClaimFilter } from './queries/claim-runs.js';
import { listRunsQuery } from './queries/list-runs.js';
import { EXPIRE_LEASES, LEASE_OWNERS } from './queries/lease-recovery.js';
import { SEARCH_INDEX_EVERY_MS, SearchIndex } from './queries/search.js';
import { overviewQueries } from './queries/overview.js';
import { UPSERT_CLAIM, listInboxQuery } from './queries/inbox.js';
import { LIST_TRIGGERS, RECORD_STARTED, listStartedRuns } from './queries/started-runs.js';
import { errorText, toChild, toJournalEntry, toRunRecord, toSignal, toStepRetry, type JournalRow, type RunRow } from '@baton/core/store-kit';
import { PRUNE_CACHED_CHUNK, prepareStatements, type Statements } from './queries/statements.js';
import { listWorkflowCatalog, registerWorkflows } from './queries/workflow-catalog.js';
import * as definitions from './queries/definitions.js';

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
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { localNotifications: true, sharedAcrossProcesses: true };
  readonly path: string;
  readonly #db: Database.Database;
  readonly #listeners = new Set<(hint: StoreHint) => void>();
  readonly #claimStatements = new Map<string, { statement: Database.Statement; filter: ClaimFilter }>();
  #s: Statements | undefined;
  #search: SearchIndex | undefined;
  #searchTimer: NodeJS.Timeout | undefined;
  /** The indexing under way (see indexForSearch), which a second caller waits for. */
  #indexing: Promise<number> | undefined;
  readonly #searchIndexEveryMs: number;
  #initialized = false;
  /** One IMMEDIATE transaction wrapper, built once: it runs the callback it is given. */
  readonly #immediate: (fn: () => unknown) => unknown;
  /** A nested transaction (a savepoint) for applying one op alone. */
  readonly #savepoint: (fn: () => unknown) => unknown;
  /** A read transaction: every statement in it sees the same snapshot. */
  readonly #snapshot: (fn: () => unknown) => unknown;

  constructor(options: SqliteStoreOptions) {
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
    if (!Number.isSafeInteger(this.#searchIndexEveryMs) || this.#searchIndexEveryMs < 0) {
      throw new BatonError(ErrorCode.InvalidArgument, 'searchIndexEveryMs must be a whole number of ms, 0 or more.', { retryable: false });
    }
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    try {
      this.#db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
      this.#db.pragma('journal_mode = WAL');
      // Set on every connection: the driver's compiled default for a reopened WAL file is weaker.
      this.#db.pragma(`synchronous = ${synchronous}`);
      this.#db.pragma('foreign_keys = OFF');
    } catch (cause) {
      throw new BatonError(
        ErrorCode.StoreError,
        `Cannot open the SQLite database at ${options.path}: ${(cause as Error).message}. Check the path and its permissions.`,
        { cause, retryable: false },
      );
    }
    const run = this.#db.transaction((fn: () => unknown) => fn());
    this.#immediate = (fn) => run.immediate(fn);
    this.#savepoint = (fn) => run(fn);
    this.#snapshot = (fn) => run.deferred(fn);
  }

  /** The `synchronous` level in force on this connection (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
  get synchronousLevel(): number {
    return this.#db.pragma('synchronous', { simple: true }) as number;
  }

  async init(): Promise<void> {
    if (this.#initialized) return;
    migrate(this.#db, Date.now());
    this.#s = prepareStatements(this.#db);
    this.#search = new SearchIndex(this.#db);
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
    if (this.#db.open) this.#db.close();
  }

  /**
   * Adds the runs written since the last round to the search index, a chunk per transaction with a
   * pause between chunks for other writers; done every second in the background. Returns how many
   * runs were indexed (by this call, or by the round under way that it waited for).
   */
  indexForSearch(): Promise<number> {
    this.#ensureInitialized();
    this.#indexing ??= this.#indexPending().finally(() => (this.#indexing = undefined));
    return this.#indexing;
  }

  async #indexPending(): Promise<number> {
    const search = this.#search!;
    let indexed = 0;
    while (this.#db.open && search.pending()) {
      indexed += this.#write(() => search.indexChunk());
      await new Promise((resolve) => setImmediate(resolve));
    }
    return indexed;
  }

  subscribe(listener: (hint: StoreHint) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #ensureInitialized(): void {
    void this.#st;
  }

  get #st(): Statements {
    if (this.#s === undefined)
      throw new BatonError(ErrorCode.StoreError, 'The SQLite store is not initialized: call await store.init() first (Engine.start() does it).', {
        retryable: false,
      });
    return this.#s;
  }

  /** Runs `fn` in an IMMEDIATE transaction, then tells listeners what changed. */
  #write<T>(fn: (hints: StoreHint[]) => T): T {
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

  async createRun(run: NewRun, now: number, control?: StartControl, audit?: AuditEntry): Promise<{ run: RunRecord; created: boolean }> {
    const s = this.#st;
    return this.#write((hints) => {
      const result = this.#createRun(s, run, now, control, hints);
      if (result.created) writeAudit(s, audit);
      return result;
    });
  }

  #createRun(s: Statements, run: NewRun, now: number, control: StartControl | undefined, hints: StoreHint[]): { run: RunRecord; created: boolean } {
    if (control?.debounce !== undefined) {
      const { key, delayMs, maxWaitMs } = control.debounce;
      s.debounceRun.run({ ...runParams(run, now), debounceKey: key, readyAt: now + delayMs, maxWaitMs: maxWaitMs ?? null });
      const pending = s.pendingDebounced.get(key) as RunRow;
      hints.push({ type: 'ready', runId: pending.id });
      return { run: toRunRecord(pending), created: pending.id === run.id };
    }
    if (control?.throttle !== undefined) {
      const { key, periodMs } = control.throttle;
      if (s.takeThrottle.get({ key, id: run.id, until: now + periodMs, now }) === undefined) {
        // Another run holds this period: the start returns it.
        const { run_id } = s.throttleRun.get(key) as { run_id: string };
        const existing = s.getRun.get(run_id) as RunRow | undefined;
        if (existing !== undefined) return { run: toRunRecord(existing), created: false };
      }
    }
    const created = insertQueuedRun(s, run, now);
    if (created) hints.push({ type: 'ready', runId: run.id });
    return { run: toRunRecord(s.getRun.get(run.id) as RunRow), created };
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.#st.getRun.get(id) as RunRow | undefined;
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    this.#ensureInitialized();
    const { sql, params, limit } = listRunsQuery(filter, filter.search === undefined ? 'scan' : this.#search!.plan(filter.search));
    const rows = this.#db.prepare(sql).all(params) as RunRow[];
    const page: RunPage = { runs: rows.slice(0, limit).map(toRunRecord) };
    if (rows.length > limit) {
      const last = rows[limit - 1]!;
      page.nextCursor = encodeRunCursor(last.created_at, last.id);
    }
    return page;
  }

  async getJournal(runId: string): Promise<JournalEntry[]> {
    return (this.#st.getJournal.all(runId) as JournalRow[]).map(toJournalEntry);
  }

  async getSignals(runId: string, options: { includeConsumed?: boolean } = {}): Promise<(SignalRecord & { consumed: boolean })[]> {
    const rows = this.#st.allSignals.all(runId) as { id: number; run_id: string; name: string; payload: string; created_at: number; consumed: number }[];
    return rows.filter((r) => options.includeConsumed === true || r.consumed === 0).map((r) => ({ ...toSignal(r), consumed: r.consumed === 1 }));
  }

  async claimRuns(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (request.workflows.length === 0 || request.limit <= 0) return [];
    const { statement, filter } = this.#cachedStatement('claim', request, claimStatement);
    const due = (): { id: string; workflow: string }[] => {
      const rows = statement.all({ ...filter.params, now: request.now, limit: request.limit }) as {
        id: string;
        workflow: string;
        priority: number;
        ready_at: number;
      }[];
      return rows.sort((a, b) => b.priority - a.priority || a.ready_at - b.ready_at).slice(0, request.limit);
    };
    const limited = request.flowControl === true ? this.#cachedStatement('limited', request, limitedCandidatesStatement) : undefined;
    const candidates = (): FlowCandidateRow[] =>
      limited === undefined
        ? []
        : (limited.statement.all({ ...limited.filter.params, now: request.now, scan: Math.max(100, request.limit * 4) }) as FlowCandidateRow[]);
    // Look first without the write lock: an idle poll costs no lock (and no wait on other processes).
    if (due().length === 0 && candidates().length === 0) return [];
    return this.#write(() => {
      const picked: { id: string; workflow: string }[] = due();
      if (limited !== undefined && picked.length < request.limit) picked.push(...this.#admit(candidates(), request, request.limit - picked.length));
      return picked.map((row) => this.#claim(row, request, filter.current));
    });
  }

  /** Admits limited candidates within their limits; holds rate-limited ones back until they conform. */
  #admit(rows: FlowCandidateRow[], request: ClaimRequest, max: number): { id: string; workflow: string }[] {
    if (rows.length === 0) return [];
    const s = this.#st;
    const queues = new Map(this.#queueRecords().map((q) => [q.name, { concurrency: q.concurrency ?? null, rate: q.rateLimit ?? null }]));
    const queueNames = [...new Set(rows.map((r) => r.queue))];
    const keys = [...new Set(rows.flatMap((r) => (r.concurrency_key === null ? [] : [r.concurrency_key])))];
    const running = new Map<string, number>();
    for (const r of s.runningByQueue.all(JSON.stringify(queueNames)) as { k: string; n: number }[]) running.set(queueSlot(r.k), r.n);
    for (const r of s.runningByKey.all(JSON.stringify(keys)) as { k: string; n: number }[]) running.set(r.k, r.n);
    const limiterKeys = [...new Set([...queueNames.map(queueRateKey), ...rows.flatMap((r) => (r.rate_key === null ? [] : [r.rate_key]))])];
    const tats = new Map((s.limiters.all(JSON.stringify(limiterKeys)) as { key: string; tat: number }[]).map((r) => [r.key, r.tat]));
    const admission = admitRuns(rows.map(toFlowCandidate), { running, queues, tats }, request.now, max);
    for (const [key, tat] of admission.tats) s.setLimiter.run(key, tat);
    // A held-back run is due again when it conforms: the engine's wake timer finds it (nextWakeAt).
    for (const { id, until } of admission.delayed) s.holdBack.run({ id, until, now: request.now });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return admission.admitted.map((id) => ({ id, workflow: byId.get(id)!.workflow }));
  }

  #claim(row: { id: string; workflow: string }, request: ClaimRequest, current: Map<string, string>): ClaimedRun {
    const s = this.#st;
    const token = crypto.randomUUID();
    s.claimRun.run({
      id: row.id,
      owner: request.owner,
      token,
      expiresAt: request.now + request.leaseMs,
      now: request.now,
      currentVersion: current.get(row.workflow) ?? '',
    });
    return {
      run: toRunRecord(s.getRun.get(row.id) as RunRow),
      leaseToken: token,
      journal: (s.replayJournal.all(row.id) as JournalRow[]).map(toJournalEntry),
      signals: (s.unconsumedSignals.all(row.id) as Parameters<typeof toSignal>[0][]).map(toSignal),
      signalHorizon: (s.signalHorizon.get(row.id) as { horizon: number }).horizon,
      stepRetries: (s.getStepRetries.all(row.id) as Parameters<typeof toStepRetry>[0][]).map(toStepRetry),
      children: (s.children.all(row.id) as Parameters<typeof toChild>[0][]).map(toChild),
    };
  }

  #cachedStatement(
    kind: string,
    request: ClaimRequest,
    build: (refs: WorkflowRef[], queues?: string[]) => { sql: string; filter: ClaimFilter },
  ): { statement: Database.Statement; filter: ClaimFilter } {
    const key = `${kind}\u0000${JSON.stringify(request.workflows)}\u0000${JSON.stringify(request.queues ?? null)}`;
    let cached = this.#claimStatements.get(key);
    if (cached === undefined) {
      const { sql, filter } = build(request.workflows, request.queues);
      cached = { statement: this.#db.prepare(sql), filter };
      if (this.#claimStatements.size > 100) this.#claimStatements.clear();
      this.#claimStatements.set(key, cached);
    }
    return cached;
  }

  #queueRecords(): QueueRecord[] {
    return (this.#st.listQueues.all() as QueueRow[]).map(toQueueRecord);
  }

  async defineQueues(queues: QueueRecord[], now: number): Promise<void> {
    const s = this.#st;
    this.#write((hints) => {
      for (const q of queues) s.upsertQueue.run(q.name, q.concurrency ?? null, q.rateLimit === undefined ? null : JSON.stringify(q.rateLimit), now);
      // Limits changed: runs they held back (or now hold back) are looked at again.
      hints.push({ type: 'ready', runId: '' });
    });
  }

  async acquireRate(key: string, rate: RateLimit, now: number): Promise<RateDecision> {
    const s = this.#st;
    const { interval, tolerance } = rateParameters(rate);
    return this.#write(() => {
      const taken = s.takeRate.get({ key, now, interval, tolerance }) as { tat: number } | undefined;
      if (taken !== undefined) return { allowed: true, tat: taken.tat };
      return { allowed: false, retryAt: conformsAt((s.limiter.get(key) as { tat: number }).tat, rate, now) };
    });
  }

  async saveSchedule(schedule: ScheduleRecord, mode: 'create' | 'upsert', audit?: AuditEntry): Promise<ScheduleRecord> {
    const values = scheduleValues(schedule);
    return this.#write((hints) => {
      const placeholders = values.map(() => '?').join(', ');
      if (mode === 'create') {
        const inserted = this.#db.prepare(`INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) DO NOTHING`).run(...values);
        if (inserted.changes === 0) throw scheduleExists(schedule.id);
      } else {
        this.#db
          .prepare(`INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) DO UPDATE SET ${SCHEDULE_UPSERT}`)
          .run(...values);
      }
      writeAudit(this.#st, audit);
      hints.push({ type: 'ready', runId: '' });
      return toScheduleRecord(this.#db.prepare('SELECT * FROM schedules WHERE id = ?').get(schedule.id) as ScheduleRow);
    });
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    return row === undefined ? undefined : toScheduleRecord(row);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return (this.#db.prepare('SELECT * FROM schedules ORDER BY id').all() as ScheduleRow[]).map(toScheduleRecord);
  }

  async deleteSchedule(id: string, audit?: AuditEntry): Promise<boolean> {
    return this.#write(() => this.#audited(this.#db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0, audit));
  }

  /** Writes `audit` when `changed`; returns `changed`. */
  #audited(changed: boolean, audit: AuditEntry | undefined): boolean {
    if (changed) writeAudit(this.#st, audit);
    return changed;
  }

  async pruneCodeSchedules(workflows: string[], keep: string[]): Promise<void> {
    this.#write(() => {
      this.#db
        .prepare("DELETE FROM schedules WHERE source = 'code' AND workflow IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))")
        .run(JSON.stringify(workflows), JSON.stringify(keep));
    });
  }

  async setSchedulePaused(id: string, paused: boolean, nextAt: number | undefined, now: number, audit?: AuditEntry): Promise<ScheduleRecord> {
    return this.#write((hints) => {
      const changed = this.#db
        .prepare('UPDATE schedules SET paused = ?, next_at = ?, updated_at = ? WHERE id = ?')
        .run(paused ? 1 : 0, paused ? null : (nextAt ?? null), now, id).changes;
      if (changed === 0) throw scheduleNotFound(id);
      writeAudit(this.#st, audit);
      hints.push({ type: 'ready', runId: '' });
      return toScheduleRecord(this.#db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow);
    });
  }

  async nextScheduleAt(): Promise<number | undefined> {
    const row = this.#st.nextScheduleAt.get() as { at: number | null };
    return row.at ?? undefined;
  }

  async dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]> {
    return (this.#st.dueSchedules.all(now, limit) as ScheduleRow[]).map(toScheduleRecord);
  }

  async fireSchedule(fire: ScheduleFire, now: number): Promise<boolean> {
    const s = this.#st;
    return this.#write((hints) => {
      const moved = this.#db
        .prepare(
          'UPDATE schedules SET next_at = ?, last_tick_at = COALESCE(?, last_tick_at), last_run_id = COALESCE(?, last_run_id), updated_at = ? WHERE id = ? AND next_at = ? AND paused = 0',
        )
        .run(fire.nextAt ?? null, fire.lastTickAt ?? null, fire.lastRunId ?? null, now, fire.id, fire.expectedNextAt).changes;
      if (moved === 0) return false;
      const record = this.#db.prepare(RECORD_STARTED);
      for (const run of fire.runs) {
        if (!insertQueuedRun(s, run, now)) continue;
        hints.push({ type: 'ready', runId: run.id });
        record.run(scheduleOrigin(fire.id), run.id, now);
      }
      for (const hold of fire.holds ?? []) s.holdRun.run({ id: hold.runId, after: hold.after });
      writeAudit(s, fire.audit);
      return true;
    });
  }

  async emitEvent(event: NewEvent, now: number, audit?: AuditEntry): Promise<{ event: EventRecord; created: boolean }> {
    const s = this.#st;
    return this.#write((hints) => {
      const inserted = s.insertEvent.get(event.id, event.type, event.source, event.subject ?? null, event.time, event.data, now) as EventRow | undefined;
      if (inserted === undefined) {
        const existing = s.eventBySourceAndId.get(event.source, event.id) as EventRow;
        return { event: toEventRecord(existing), created: false };
      }
      const triggers = (s.triggersOfType.all(event.type) as EventTriggerRow[]).map(toEventTrigger);
      const waits = (s.liveWaitsOfType.all(event.type) as EventWaitRow[]).map(toEventWait);
      const plan = planEmit(event, inserted.seq, triggers, waits);
      const record = this.#db.prepare(RECORD_STARTED);
      for (const run of plan.runs) {
        if (!insertQueuedRun(s, run, now)) continue;
        hints.push({ type: 'ready', runId: run.id });
        record.run(eventOrigin(inserted.seq), run.id, now);
      }
      for (const d of plan.deliveries) {
        storeSignal(s, d.runId, d.signal, d.payload, now, hints);
        s.deleteEventWait.run(d.runId, d.seq);
      }
      // Waits of runs that ended are of no use any more.
      s.deleteEndedWaits.run(event.type);
      writeAudit(s, audit);
      return { event: toEventRecord(inserted), created: true };
    });
  }

  async listEvents(filter: { type?: string; after?: number; before?: number; newestFirst?: boolean; limit: number }): Promise<EventRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM events WHERE seq > ? AND (? IS NULL OR seq < ?) AND (? IS NULL OR type = ?) ORDER BY seq ${filter.newestFirst === true ? 'DESC' : ''} LIMIT ?`,
      )
      .all(filter.after ?? 0, filter.before ?? null, filter.before ?? null, filter.type ?? null, filter.type ?? null, filter.limit) as EventRow[];
    return rows.map(toEventRecord);
  }

  async listTriggers(): Promise<EventTriggerRecord[]> {
    return (this.#db.prepare(LIST_TRIGGERS).all() as EventTriggerRow[]).map(toEventTrigger);
  }

  async listStartedRuns(filter: StartedRunFilter): Promise<StartedRun[]> {
    return listStartedRuns(this.#db, filter);
  }

  async saveTriggers(workflows: string[], triggers: EventTriggerRecord[]): Promise<void> {
    const db = this.#db;
    this.#write(() => {
      db.prepare('DELETE FROM event_triggers WHERE workflow IN (SELECT value FROM json_each(?))').run(JSON.stringify(workflows));
      const insert = db.prepare('INSERT INTO event_triggers (workflow, n, type, match, input, queue, priority) VALUES (?, ?, ?, ?, ?, ?, ?)');
      triggers.forEach((t, n) => insert.run(t.workflow, n, t.type, t.match === undefined ? null : JSON.stringify(t.match), t.input, t.queue, t.priority));
    });
  }

  async registerEventWait(wait: EventWaitRecord, now: number): Promise<void> {
    this.#write(() => {
      this.#st.registerEventWait.run(wait.runId, wait.seq, wait.type, wait.match === undefined ? null : JSON.stringify(wait.match), now);
    });
  }

  async createApiKey(key: ApiKeyRecord, audit?: AuditEntry): Promise<void> {
    this.#write(() => {
      this.#db
        .prepare('INSERT INTO api_keys (id, name, role, namespace, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)')
        .run(key.id, key.name, key.role, key.namespace, key.hash, key.createdAt);
      writeAudit(this.#st, audit);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#st.apiKey.get(id) as ApiKeyRow | undefined;
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.#db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as ApiKeyRow[]).map(toApiKeyRecord);
  }

  async revokeApiKey(id: string, now: number, audit?: AuditEntry): Promise<boolean> {
    return this.#write(() =>
      this.#audited(this.#db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0, audit),
    );
  }

  async listQueues(): Promise<QueueRecord[]> {
    return this.#queueRecords();
  }

  async renewLeases(_owner: string, leases: Lease[], now: number, leaseMs: number): Promise<LeaseStatus[]> {
    const s = this.#st;
    return this.#write(() =>
      leases.map((lease) => {
        const row = s.renewLease.get({ id: lease.runId, token: lease.token, expiresAt: now + leaseMs }) as { cancel_requested: number } | undefined;
        return { runId: lease.runId, held: row !== undefined, cancelRequested: row?.cancel_requested === 1 };
      }),
    );
  }

  async leaseOwners(now: number): Promise<string[]> {
    return (this.#db.prepare(LEASE_OWNERS).all({ now }) as { owner: string }[]).map((r) => r.owner);
  }

  async expireLeases(owner: string, now: number): Promise<string[]> {
    return this.#write(() => (this.#db.prepare(EXPIRE_LEASES).all({ owner, now }) as { id: string }[]).map((r) => r.id));
  }

  async commit(ops: WriteOp[], now: number): Promise<WriteResult[]> {
    const s = this.#st;
    try {
      // Fast path: the whole batch in one transaction. Ops refused by fencing change nothing.
      return this.#write((hints) => ops.map((op) => applyAudited(s, op, now, hints)));
    } catch (error) {
      if (!isConstraintError(error)) throw storeError('commit', error);
    }
    try {
      // An op broke a constraint (a position written twice): apply each op in a savepoint of its
      // own, so only that op is refused.
      return this.#write((hints) =>
        ops.map((op) => {
          const opHints: StoreHint[] = [];
          try {
            const result = this.#savepoint(() => applyAudited(s, op, now, opHints)) as WriteResult;
            hints.push(...opHints);
            return result;
          } catch (error) {
            if (isConstraintError(error)) return { ok: false, reason: 'conflict' } as const;
            throw error;
          }
        }),
      );
    } catch (cause) {
      throw storeError('commit', cause);
    }
  }

  async nextWakeAt(_workflows: WorkflowRef[], now: number): Promise<number | undefined> {
    const row = this.#st.nextWakeAt.get({ now }) as { at: number | null };
    return row.at ?? undefined;
  }

  async sendSignal(runId: string, name: string, payload: string, now: number, audit?: AuditEntry): Promise<SignalRecord> {
    const s = this.#st;
    return this.#write((hints) => {
      const row = this.#existing(runId);
      if (isTerminalStatus(row.status as RunRecord['status'])) {
        throw runEnded(runId, row.status, { signal: name });
      }
      writeAudit(s, audit);
      return storeSignal(s, runId, name, payload, now, hints);
    });
  }

  async requestCancel(runId: string, now: number, reason?: StoredError, audit?: AuditEntry): Promise<RunRecord> {
    const s = this.#st;
    return this.#write((hints) => {
      const row = this.#existing(runId);
      if (isTerminalStatus(row.status as RunRecord['status'])) {
        throw runEnded(runId, row.status, 'cancel');
      }
      const error = errorText(reason ?? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${runId} was cancelled.` });
      if (row.status === 'queued' && row.claims === 0) {
        s.cancelQueued.run({ id: runId, error, now });
        releaseHeld(s, runId, now, hints);
        hints.push({ type: 'finished', runId, status: 'cancelled' });
        if (row.parent_id !== null && s.wakeParent.run({ parentId: row.parent_id, childId: runId, now }).changes > 0)
          hints.push({ type: 'ready', runId: row.parent_id });
      } else if (row.cancel_requested === 0) {
        s.flagCancel.run({ id: runId, error, now });
        hints.push({ type: 'cancelRequested', runId, ...(reason === undefined ? {} : { reason }) }, { type: 'ready', runId });
      }
      writeAudit(s, audit);
      return toRunRecord(s.getRun.get(runId) as RunRow);
    });
  }

  async requeue(runId: string, mode: 'retry' | 'resume', now: number, audit?: AuditEntry): Promise<RunRecord> {
    const s = this.#st;
    return this.#write((hints) => {
      const row = this.#existing(runId);
      assertRequeueable(runId, row, mode);
      const requeueTree = (id: string): void => {
        if (mode === 'retry') {
          for (const { seq } of s.failedChildEntries.all(id) as { seq: number }[]) {
            for (const child of s.failedChildren.all(id, seq) as { id: string }[]) {
              const childRow = s.getRun.get(child.id) as RunRow;
              if (childRow.phase !== 'compensating') requeueTree(child.id);
            }
          }
          s.setAsideFailed.run(now, id);
          s.deleteFailed.run(id);
          s.deleteStepRetries.run(id);
        }
        s.requeue.run({ id, now });
        hints.push({ type: 'ready', runId: id });
      };
      requeueTree(runId);
      writeAudit(s, audit);
      return toRunRecord(s.getRun.get(runId) as RunRow);
    });
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#write(() => writeAudit(this.#st, entry));
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    this.#ensureInitialized();
    const { sql, params } = listAuditQuery(filter);
    return (this.#db.prepare(sql).all(params) as AuditRow[]).map(toAuditRecord);
  }

  async listChanges(filter: ChangeFilter): Promise<ChangePage> {
    const s = this.#st;
    const after = filter.after === undefined ? 0 : changeId(filter.after);
    // One read transaction: the head and the rows come from the same snapshot.
    return this.#snapshot(() => {
      const { head, oldest } = s.changeHead.get() as { head: number; oldest: number | null };
      const { sql, params } = listChangesQuery(filter, after);
      const rows = this.#db.prepare(sql).all(params) as (ChangeRow & { id: number })[];
      const end = rows.length === filter.limit ? rows[rows.length - 1]!.id : Math.max(after, Math.min(head, after + CHANGE_WINDOW));
      return {
        changes: rows.map((row) => toChangeRecord(row, String(row.id))),
        cursor: String(end),
        gap: after < head && after + 1 < (oldest ?? head + 1),
      };
    }) as ChangePage;
  }

  async changeCursor(): Promise<string> {
    return String((this.#st.changeHead.get() as { head: number }).head);
  }

  async pruneChanges(before: number): Promise<number> {
    this.#ensureInitialized();
    const boundary = this.#db.prepare('SELECT id FROM changes WHERE at >= ? ORDER BY id LIMIT 1').get(before) as { id: number } | undefined;
    // The newest change is always kept: the next id is one past it, so no id is given out twice.
    const upTo = boundary?.id ?? (this.#st.changeHead.get() as { head: number }).head;
    let deleted = 0;
    // In chunks, so writers wait for no long transaction.
    for (;;) {
      const n = this.#write(() => this.#db.prepare('DELETE FROM changes WHERE id < MIN(?, (SELECT MIN(id) FROM changes) + 5000)').run(upTo).changes);
      deleted += n;
      if (n === 0) return deleted;
    }
  }

  #existing(runId: string): RunRow {
    const row = this.#st.getRun.get(runId) as RunRow | undefined;
    if (row === undefined) throw runNotFound(runId);
    return row;
  }

  async stats(now: number): Promise<StoreStats> {
    this.#ensureInitialized();
    // Read at scrape pace, so prepared at each call rather than kept with the hot statements.
    const queued = this.#db.prepare(STATS_QUEUED).all({ now }) as StatsQueueRow[];
    const defined = this.#db.prepare('SELECT name FROM queues').all() as { name: string }[];
    const counts = this.#db.prepare(STATS_COUNTS).get({ now }) as StatsCountRow;
    return toStoreStats(queued, defined, counts);
  }

  async overview(filter: OverviewFilter): Promise<Overview> {
    this.#ensureInitialized();
    assertOverviewFilter(filter);
    const q = overviewQueries(filter.namespace !== undefined);
    const { statsUntil } = overviewPlan(filter);
    const fromStats = statsUntil > filter.since;
    const params: Record<string, unknown> = { ...filter, statsUntil, from: statsUntil };
    // Each statement is given the parameters it names (the driver refuses others).
    const read = (sql: string) => {
      const statement = this.#db.prepare(sql);
      const bound = Object.fromEntries(Object.entries(params).filter(([key]) => sql.includes(`@${key}`)));
      const args = Object.keys(bound).length === 0 ? [] : [bound];
      return { all: () => statement.all(...args), get: () => statement.get(...args) };
    };
    // One read transaction: every aggregate sees the same snapshot.
    const rows = this.#snapshot(() => ({
      stats: fromStats ? read(q.stats).all() : [],
      created: read(q.created).all(),
      ended: read(q.ended).all(),
      durations: fromStats ? [] : read(q.durations).all(),
      durationBins: fromStats ? read(q.durationBins).all() : [],
      queued: read(q.queued).all(),
      definedQueues: read('SELECT name FROM queues').all(),
      waitingForHumans: (read(q.waitingForHumans).get() as { n: number }).n,
      llm: fromStats ? [read(q.llm).get(), read(q.llmStats).get()] : [read(q.llm).get()],
    })) as OverviewRows;
    return toOverview(filter, rows);
  }

  async listInbox(filter: InboxFilter): Promise<InboxPage> {
    this.#ensureInitialized();
    const { sql, params } = listInboxQuery(filter);
    return toInboxPage(this.#db.prepare(sql).all(params) as InboxRow[], filter.limit);
  }

  async claimInboxRun(claim: InboxClaim, audit?: AuditEntry): Promise<InboxClaim> {
    const s = this.#st;
    return this.#write(() => {
      assertWaitingForPerson(toRunRecord(this.#existing(claim.runId)));
      this.#db.prepare(UPSERT_CLAIM).run(claim.runId, claim.assignee, claim.claimedBy, claim.claimedAt);
      writeAudit(s, audit);
      return claim;
    });
  }

  async releaseInboxRun(runId: string, audit?: AuditEntry): Promise<boolean> {
    this.#ensureInitialized();
    return this.#write(() => this.#audited(this.#db.prepare('DELETE FROM inbox_claims WHERE run_id = ?').run(runId).changes > 0, audit));
  }

  async registerWorkflows(workflows: CatalogRegistration[], now: number): Promise<void> {
    this.#ensureInitialized();
    if (workflows.length === 0) return;
    this.#write(() => registerWorkflows(this.#db, workflows, now));
  }

  async listWorkflowCatalog(filter?: CatalogFilter): Promise<CatalogWorkflow[]> {
    this.#ensureInitialized();
    return listWorkflowCatalog(this.#db, filter);
  }

  async deployDefinition(definition: NewDefinition, now: number, audit?: AuditEntry): Promise<DeployOutcome> {
    this.#ensureInitialized();
    return this.#write(() => {
      const result = definitions.deployDefinition(this.#db, definition, now);
      if (result.outcome === 'created') writeAudit(this.#st, audit);
      return result;
    });
  }

  async getDefinition(name: string, version: string): Promise<StoredDefinition | undefined> {
    this.#ensureInitialized();
    return definitions.getDefinition(this.#db, name, version);
  }

  async listDefinitions(filter?: DefinitionFilter): Promise<StoredDefinition[]> {
    this.#ensureInitialized();
    return definitions.listDefinitions(this.#db, filter);
  }

  async listDefinitionVersions(name: string): Promise<DefinitionVersion[]> {
    this.#ensureInitialized();
    return definitions.listDefinitionVersions(this.#db, name);
  }

  async listDefinitionSummaries(): Promise<DefinitionSummary[]> {
    this.#ensureInitialized();
    return definitions.listDefinitionSummaries(this.#db);
  }

  async latestDefinitionSeq(): Promise<number> {
    this.#ensureInitialized();
    return definitions.latestDefinitionSeq(this.#db);
  }

  async getCached(key: string, now: number): Promise<CacheEntry | undefined> {
    const s = this.#st;
    return this.#write(() => s.getCached.get(key, now) as CacheEntry | undefined);
  }

  async putCached(entry: CacheEntry): Promise<void> {
    const s = this.#st;
    this.#write(() => s.putCached.run(entry.key, entry.value, entry.createdAt, entry.expiresAt, entry.hits ?? 0));
  }

  async pruneCached(now: number): Promise<number> {
    const s = this.#st;
    let deleted = 0;
    // In chunks, so writers wait for no long transaction.
    for (;;) {
      const n = this.#write(() => s.pruneCached.run(now).changes);
      deleted += n;
      if (n < PRUNE_CACHED_CHUNK) return deleted;
    }
  }
}

const STATS_QUEUED = `SELECT queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
    MIN(CASE WHEN ready_at <= @now THEN ready_at END) AS oldest_ready_at
  FROM runs WHERE status = 'queued' GROUP BY queue`;

// Event waits are signal waits under a '$event:' name; only waits for real signals count here.
const STATS_COUNTS = `SELECT
    (SELECT COUNT(*) FROM runs WHERE status = 'running') AS running,
    (SELECT COUNT(*) FROM runs WHERE status = 'running' AND lease_expires_at <= @now) AS expired,
    (SELECT COUNT(*) FROM runs WHERE status = 'waiting') AS waiting,
    (SELECT COUNT(*) FROM runs WHERE status = 'waiting'
      AND EXISTS (SELECT 1 FROM json_each(waits, '$.signals') WHERE value NOT LIKE '$event:%')) AS waiting_for_signal`;

function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

function storeError(what: string, cause: unknown): BatonError {
  const code = (cause as { code?: unknown }).code;
  const retryable = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_IOERR';
  return new BatonError(ErrorCode.StoreError, `SQLite ${what} failed: ${(cause as Error).message}`, { cause, retryable });
}

/** A change cursor as the SQLite feed's position (a change id). */
function changeId(cursor: string): number {
  const id = /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isSafeInteger(id))
    throw new BatonError(ErrorCode.InvalidArgument, `Not a change cursor of this store: ${JSON.stringify(cursor.slice(0, 50))}.`, { retryable: false });
  return id;
}
