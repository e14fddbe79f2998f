/**
 * The engine: claims ready runs from the store (ClaimLoop), executes them (RunExecution), keeps their
 * leases (LeaseRenewal), wakes waiting runs when they are due, and commits their writes in groups.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { PayloadCodec } from '../payload/payload-codec.js';
import { resolveRetryPolicy } from '../retry/retry-policy.js';
import type { NewRun, RunRecord, StoredError } from '../store/records.js';
import type { AuditEntry } from '../store/activity.js';
import type { ClaimedRun, Store, StoreHint, WriteResult } from '../store/store.js';
import { systemClock, type Clock } from '../time/clock.js';
import { uuidv7, seededRandom } from '../util/ids.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import { Client } from '../client/client.js';
import { Blobs } from '../blob/blobs.js';
import { collectBlobs } from '../blob/blob-retention.js';
import type { ExecutionEnvironment } from './engine-internals.js';
import { failureRun } from './failure-workflow.js';
import type { EngineEvent, EngineEventListener } from './engine-events.js';
import { heartbeat, positive, type EngineOptions } from './engine-options.js';
import { defaultLogger, type Logger } from './logger.js';
import { RunExecution } from './run-execution.js';
import { engineTracer } from './tracing.js';
import { WorkflowRegistry } from './workflow-registry.js';
import { WriteBatcher } from './write-batcher.js';
import { formatEngineId } from './engine-id.js';
import { recoverLocalLeases } from './lease-recovery.js';
import { localIdentity } from './local-process.js';
import { Scheduler } from './scheduler.js';
import { catalogRegistrations } from './catalog-registration.js';
import { ClaimLoop } from './claim-loop.js';
import { LeaseRenewal } from './lease-renewal.js';
import { assertQueueName, hasRunLimits, isQueueDefinition, type QueueDefinition } from '../workflow/flow.js';
import { isNamespaceName } from '../auth/api-keys.js';

export type { EngineOptions } from './engine-options.js';

export class Engine {
  readonly store: Store;
  readonly client: Client;
  /** Large values: write a stream as a blob and pass its handle (see EngineOptions.blobs). */
  readonly blobs: Blobs;
  readonly id: string;
  readonly clock: Clock;
  readonly workflows: WorkflowRegistry;

  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #recoverLocalLeases: boolean;
  readonly #shutdownTimeoutMs: number;
  readonly #batcher: WriteBatcher;
  readonly #env: ExecutionEnvironment;
  readonly #logger: Logger;
  readonly #executions = new Map<string, RunExecution>();
  /** Eagerly started runs whose creation is not committed yet (their leases cannot be renewed yet). */
  readonly #uncreated = new Set<string>();
  readonly #listeners = new Set<EngineEventListener>();
  #running = false;
  #unsubscribe: (() => void) | undefined;
  readonly #served: string[] | undefined;
  readonly #queueDefinitions: QueueDefinition[];
  readonly #claims: ClaimLoop;
  readonly #leases: LeaseRenewal;
  readonly #scheduler: Scheduler;
  readonly #fireSchedules: boolean;
  readonly #changeRetentionMs: number;
  #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: EngineOptions) {
    if (options?.store === undefined)
      throw new BatonError(ErrorCode.InvalidArgument, 'new Engine({ store }) needs a store, e.g. new SqliteStore({ path }).', { retryable: false });
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.workflows = new WorkflowRegistry(options.workflows);
    this.#concurrency = positive(options.concurrency ?? 100, 'concurrency');
    this.#leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    const heartbeatMs = heartbeat(options.heartbeatMs, this.#leaseMs);
    this.#recoverLocalLeases = options.recoverLocalLeases ?? true;
    const pollIntervalMs = positive(options.pollIntervalMs ?? 500, 'pollIntervalMs');
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.#logger = options.logger ?? defaultLogger;
    this.id = options.id ?? formatEngineId(localIdentity(Math.random().toString(36).slice(2, 8).padEnd(6, '0')));
    const codec = new PayloadCodec({
      ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
      ...(options.blobs === undefined ? {} : { blobs: options.blobs }),
      ...(options.blobThresholdBytes === undefined ? {} : { blobThresholdBytes: options.blobThresholdBytes }),
    });
    this.blobs = new Blobs(options.blobs);
    this.#batcher = new WriteBatcher(this.store, this.clock, options.blobs === undefined ? {} : { beforeCommit: () => codec.settle() });
    const queues = options.queues ?? undefined;
    if (queues !== undefined && (!Array.isArray(queues) || queues.length === 0))
      throw new BatonError(ErrorCode.InvalidArgument, 'queues must be a non-empty list of queue names or defineQueue(...) definitions.', { retryable: false });
    this.#queueDefinitions = (queues ?? []).filter(isQueueDefinition);
    this.#served = queues?.map((q) => {
      const name = isQueueDefinition(q) ? q.name : q;
      assertQueueName(name);
      return name;
    });
    const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    if (options.retry !== undefined) resolveRetryPolicy(options.retry); // rejects an invalid policy now, not at the first step
    const durability = options.durability ?? 'strict';
    if (durability !== 'strict' && durability !== 'batched')
      throw new BatonError(ErrorCode.InvalidArgument, `durability must be 'strict' or 'batched', not '${String(durability)}'.`, { retryable: false });
    this.#env = {
      store: this.store,
      clock: this.clock,
      codec,
      logger: this.#logger,
      tracer: engineTracer(options.tracerProvider),
      durability,
      defaultRetry: options.retry,
      inMemoryBackoffMs: options.inMemoryBackoffMs ?? 5000,
      notifier: options.notifier,
      random,
      newId: () => uuidv7(this.clock.now()),
      submit: (op, submitOptions) => this.#batcher.submit(op, submitOptions),
      emit: (event) => this.#emit(event),
      hasListeners: () => this.#listeners.size > 0,
      requestCancel: async (runId) => {
        await this.store.requestCancel(runId, this.clock.now());
      },
      acquireRate: (key, rate, now) => this.store.acquireRate(key, rate, now),
      registerEventWait: (wait) => this.store.registerEventWait(wait, this.clock.now()),
      failureRun: (run, workflow, error) => failureRun({ store: this.store, codec, workflows: this.workflows }, run, workflow, error),
    };
    const namespace = options.namespace ?? 'default';
    if (typeof namespace !== 'string' || !isNamespaceName(namespace)) {
      throw new BatonError(
        ErrorCode.InvalidArgument,
        `The engine's namespace ${JSON.stringify(namespace)} is not a namespace name: 1-100 letters, digits, spaces and . _ : / @ -, starting with a letter or digit.`,
        {
          retryable: false,
        },
      );
    }
    this.#scheduler = new Scheduler(this.store, this.clock, codec, this.workflows, this.#logger, namespace);
    this.#fireSchedules = options.schedules ?? true;
    this.#changeRetentionMs = options.changeRetentionMs ?? 15 * 60_000;
    this.client = new Client({
      store: this.store,
      clock: this.clock,
      codec,
      workflows: this.workflows,
      engine: this,
      batcher: this.#batcher,
      ...(options.jsonSchemaValidator === undefined ? {} : { jsonSchemaValidator: options.jsonSchemaValidator }),
    });
    this.#claims = new ClaimLoop({
      store: this.store,
      clock: this.clock,
      id: this.id,
      workflows: this.workflows,
      codec,
      logger: this.#logger,
      batcher: this.#batcher,
      concurrency: this.#concurrency,
      leaseMs: this.#leaseMs,
      pollIntervalMs,
      served: this.#served,
      running: () => this.#running,
      active: () => this.#executions.size,
      launch: (claimed, workflow) => this.#launch(claimed, workflow),
      polled: () => this.#scheduler.poke(),
    });
    this.#leases = new LeaseRenewal({
      store: this.store,
      clock: this.clock,
      id: this.id,
      leaseMs: this.#leaseMs,
      heartbeatMs,
      logger: this.#logger,
      executions: this.#executions,
      uncreated: this.#uncreated,
      running: () => this.#running,
    });
  }

  /** Registers another workflow (before or after start). */
  register(workflow: AnyWorkflow): this {
    this.workflows.add(workflow);
    this.#claims.requestTick();
    return this;
  }

  /**
   * Registers workflows while the engine runs (deployed definitions loaded without a restart): each
   * version is added (one already registered as this very workflow is skipped), and the schedules
   * and event triggers of the current versions are stored as at start. Before start it only registers.
   */
  async addWorkflows(workflows: readonly AnyWorkflow[]): Promise<void> {
    const added = workflows.filter((w) => this.workflows.get(w.name, w.version) !== w);
    for (const workflow of added) this.workflows.add(workflow);
    if (added.length === 0 || !this.#running) return;
    await this.#scheduler.syncCodeSchedules();
    await this.#scheduler.syncTriggers();
    this.#scheduler.poke();
    this.#claims.requestTick();
  }

  /** Listens to events of the runs this engine executes. Returns an unsubscribe function. */
  subscribe(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.warn({ err: error, event: event.type }, 'an engine event listener threw');
      }
    }
  }

  get running(): boolean {
    return this.#running;
  }

  /** Number of store commits (group commits) so far. */
  get commits(): number {
    return this.#batcher.commits;
  }

  /** Runs executing in this engine now. */
  get activeRuns(): number {
    return this.#executions.size;
  }

  /**
   * True when this engine has nothing in hand: no run executing (or being created), no claim or
   * schedule pass under way or asked for, and no write waiting for its commit. What it does next then
   * waits on its clock's timers or on something from outside (a start, a signal, an event). Test
   * environments skip time on a manual clock when it holds.
   */
  get idle(): boolean {
    return this.#executions.size === 0 && this.#uncreated.size === 0 && !this.#claims.busy && !this.#scheduler.busy && this.#batcher.idle;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    await this.store.init();
    // The deployment learns of these workflows (API servers and clients without the code look them up there).
    const registrations = catalogRegistrations(this.workflows);
    if (registrations.length > 0) await this.store.registerWorkflows(registrations, this.clock.now());
    if (this.#queueDefinitions.length > 0) {
      const now = this.clock.now();
      await this.store.defineQueues(
        this.#queueDefinitions.map((q) => ({
          name: q.name,
          ...(q.concurrency === undefined ? {} : { concurrency: q.concurrency }),
          ...(q.rateLimit === undefined ? {} : { rateLimit: q.rateLimit }),
        })),
        now,
      );
    }
    await this.#claims.readQueues();
    await this.#scheduler.syncCodeSchedules();
    await this.#scheduler.syncTriggers();
    if (this.#recoverLocalLeases) await this.#recoverDeadLocalEngines();
    this.#running = true;
    if (this.#fireSchedules) this.#scheduler.start();
    if (this.store.capabilities.localNotifications) this.#unsubscribe = this.store.subscribe((hint) => this.#onHint(hint));
    this.#leases.start();
    this.#claims.start();
    this.#claims.requestTick();
    this.#armPrune();
  }

  /** Prunes the change feed about every minute (sooner for a short retention). */
  #armPrune(): void {
    const every = Math.max(1000, Math.min(60_000, Math.floor(this.#changeRetentionMs / 4)));
    this.#pruneTimer = setTimeout(() => {
      Promise.all([
        this.store.pruneChanges(this.clock.now() - this.#changeRetentionMs),
        this.store.pruneCached(this.clock.now()),
        this.blobs.configured ? collectBlobs({ blobs: this.blobs.store, store: this.store, now: this.clock.now() }) : 0,
      ]).then(
        () => this.#running && this.#armPrune(),
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'pruning the change feed, the cache or orphaned blobs failed; trying again later');
          if (this.#running) this.#armPrune();
        },
      );
    }, every);
    this.#pruneTimer.unref();
  }

  /**
   * Stops claiming; lets running runs finish for up to `shutdownTimeoutMs`, then releases the rest
   * back to the queue (journal kept). No run is lost.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#scheduler.stop();
    clearTimeout(this.#pruneTimer);
    this.#claims.stop();
    const timeoutMs = options.timeoutMs ?? this.#shutdownTimeoutMs;
    const all = (): Promise<unknown> => Promise.allSettled([...this.#executions.values()].map((e) => e.finished));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const execution of this.#executions.values()) execution.release();
    await all();
    await this.#batcher.drain();
    this.#leases.stop();
    this.#unsubscribe?.();
    this.client.close();
  }

  /** Cancels a run executing here at once (the store flag reaches other engines through lease renewal). */
  notifyCancel(runId: string, reason?: StoredError): void {
    this.#executions.get(runId)?.cancel(reason);
  }

  /** True while the run executes in this engine (the client's result waiters skip reading it then). */
  isExecuting(runId: string): boolean {
    return this.#executions.has(runId);
  }

  /**
   * Eager start (used by `engine.client.start`): the run is created already claimed by this engine and
   * starts executing at once; its creation is committed with its first writes.
   */
  tryEagerStart(run: NewRun, workflow: AnyWorkflow, audit?: AuditEntry): Promise<WriteResult> | undefined {
    if (!this.#running || this.#executions.size >= this.#concurrency) return undefined;
    // A limited run waits for the claim that admits it; a queue not served here is for other workers.
    if (hasRunLimits(run) || this.#claims.isLimitedQueue(run.queue) || (this.#served !== undefined && !this.#served.includes(run.queue))) return undefined;
    if (this.workflows.get(run.workflow, run.version) !== workflow) return undefined;
    const now = this.clock.now();
    const leaseToken = crypto.randomUUID();
    const leaseExpiresAt = now + this.#leaseMs;
    const created = this.#batcher.submit({
      runId: run.id,
      leaseToken,
      create: { ...run, leaseOwner: this.id, leaseExpiresAt },
      ...(audit === undefined ? {} : { audit }),
    });
    this.#uncreated.add(run.id);
    const settled = (): void => void this.#uncreated.delete(run.id);
    created.then(settled, settled);
    const record: RunRecord = {
      ...run,
      namespace: run.namespace ?? 'default',
      tags: run.tags ?? [],
      status: 'running',
      cancelRequested: false,
      phase: 'body',
      leaseOwner: this.id,
      leaseExpiresAt,
      claims: 1,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
    };
    this.#launch({ run: record, leaseToken, journal: [], signals: [], signalHorizon: 0, stepRetries: [], children: [] }, workflow, created);
    return created;
  }

  // ---------------------------------------------------------------- claiming

  #onHint(hint: StoreHint): void {
    if (hint.type === 'ready') this.#claims.requestTick();
    else if (hint.type === 'cancelRequested') this.notifyCancel(hint.runId, hint.reason);
    else if (hint.type === 'signal') this.#executions.get(hint.runId)?.deliverSignal(hint.signal);
  }

  #launch(claimed: ClaimedRun, workflow: AnyWorkflow, initialWrite?: Promise<unknown>): void {
    const execution = new RunExecution(this.#env, claimed, workflow, initialWrite);
    this.#executions.set(claimed.run.id, execution);
    void execution.finished.then(() => {
      if (this.#executions.get(claimed.run.id) === execution) this.#executions.delete(claimed.run.id);
      // A freed slot matters only if ready runs may be waiting for one; new work announces itself.
      if (this.#claims.backlog) this.#claims.requestTick();
      if (execution.suspendedUntil !== undefined) {
        // Already due by the time the suspend committed (a short sleep, a slow commit): claim it now.
        if (execution.suspendedUntil <= this.clock.now()) this.#claims.requestTick();
        else this.#claims.wakeAt(execution.suspendedUntil);
      }
    });
  }

  // ---------------------------------------------------------------- leases

  /** Expires the leases of engines of this host whose process is gone, so the first claim takes their runs. */
  async #recoverDeadLocalEngines(): Promise<void> {
    try {
      await recoverLocalLeases(this.store, this.id, this.clock.now(), this.#logger);
    } catch (error) {
      this.#logger.warn({ engine: this.id, err: error }, "looking for runs of this host's dead engines failed; their leases will expire as usual");
    }
  }
}
