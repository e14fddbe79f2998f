/**
 * The engine: claims ready runs from the store, executes them (RunExecution), keeps their leases,
 * wakes waiting runs when they are due, and commits their writes in groups.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { PayloadCodec } from '../payload/payload-codec.js';
import { resolveRetryPolicy, type RetryPolicy } from '../retry/retry-policy.js';
import type { NewRun, RunRecord, StoredError } from '../store/records.js';
import type { AuditEntry } from '../store/activity.js';
import type { ClaimedRun, Store, StoreHint, WriteResult } from '../store/store.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import { uuidv7, seededRandom } from '../util/ids.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import { Client } from '../client/client.js';
import type { JsonSchemaValidator } from '../client/signal-check.js';
import type { Durability, ExecutionEnvironment } from './engine-internals.js';
import type { EngineEvent, EngineEventListener } from './engine-events.js';
import { defaultLogger, type Logger } from './logger.js';
import { RunExecution } from './run-execution.js';
import { engineTracer } from './tracing.js';
import { WorkflowRegistry, type WorkflowList } from './workflow-registry.js';
import { WriteBatcher } from './write-batcher.js';
import { formatEngineId } from './engine-id.js';
import { recoverLocalLeases } from './lease-recovery.js';
import { localIdentity } from './local-process.js';
import { Scheduler } from './scheduler.js';
import { catalogRegistrations } from './catalog-registration.js';
import { isLimitedQueue } from '../store/flow-control.js';
import { assertQueueName, hasRunLimits, isQueueDefinition, runLimits, type QueueDefinition } from '../workflow/flow.js';

export interface EngineOptions {
  store: Store;
  /** Workflows this engine runs: an array, or a module namespace whose exported workflows are taken. */
  workflows?: WorkflowList;
  /** Runs executed at once. Default 100. */
  concurrency?: number;
  clock?: Clock;
  /**
   * Lease length; a run whose worker stops renewing is taken over after this long. Default 30 s. Shorter
   * recovers faster after a crash, but a worker stalled longer than this (GC pause, overloaded host,
   * database hiccup) loses its runs to another worker, which repeats the step attempts in flight.
   */
  leaseMs?: number;
  /**
   * How often the leases of running runs are renewed (the heartbeat). At most a third of `leaseMs`, so
   * two renewals can fail before a lease is lost. Default: a third of the lease, at most 2 s.
   */
  heartbeatMs?: number;
  /**
   * At start, take over at once the runs whose lease owner is an engine process of this host that is
   * gone (crashed, killed), instead of waiting for their leases to expire. Only engine ids in the
   * default format are recognised. Default true.
   */
  recoverLocalLeases?: boolean;
  /** How often the store is polled for runs made ready elsewhere (other processes). Default 500 ms. */
  pollIntervalMs?: number;
  /** See Durability. Default 'strict'. */
  durability?: Durability;
  /** Default retry policy of steps. */
  retry?: RetryPolicy;
  /** Largest encoded payload, in bytes. Default 2 MiB. */
  maxPayloadBytes?: number;
  /** Retry back-offs up to this long wait in memory; longer ones suspend the run. Default 5 s. */
  inMemoryBackoffMs?: number;
  /** How long `stop()` lets running runs finish before releasing them. Default 10 s. */
  shutdownTimeoutMs?: number;
  logger?: Logger;
  /**
   * Where the spans of run executions and step attempts go. Default: the globally registered
   * OpenTelemetry provider (none registered: no spans, at no cost).
   */
  tracerProvider?: TracerProvider;
  /** Names this engine in leases. Default: host, pid, pid namespace, process start time and a random suffix (see engine-id.ts). */
  id?: string;
  /** Seed of the jitter random source (for reproducible tests). */
  seed?: number;
  /**
   * The queues this engine serves: names, or `defineQueue(...)` definitions whose limits it stores
   * for every worker. Default: every queue.
   */
  queues?: (string | QueueDefinition)[];
  /**
   * Fire due schedule ticks (any number of engines may; each tick starts one run). Default true. The
   * schedules this engine's workflows declare are stored at start either way.
   */
  schedules?: boolean;
  /**
   * How long the change feed (live updates) keeps changes; older ones are pruned by every engine
   * about every minute. A live-update reader that falls further behind is told to reload. Default 15 min.
   */
  changeRetentionMs?: number;
  /** See ClientOptions.jsonSchemaValidator: checks signals to runs of workflows only the store's catalog knows. */
  jsonSchemaValidator?: JsonSchemaValidator;
}

/** How often an engine reads the stored queue limits again (another worker may have changed them). */
const QUEUE_REFRESH_MS = 10_000;

export class Engine {
  readonly store: Store;
  readonly client: Client;
  readonly id: string;
  readonly clock: Clock;
  readonly workflows: WorkflowRegistry;

  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #recoverLocalLeases: boolean;
  readonly #pollIntervalMs: number;
  readonly #shutdownTimeoutMs: number;
  readonly #batcher: WriteBatcher;
  readonly #env: ExecutionEnvironment;
  readonly #logger: Logger;
  readonly #executions = new Map<string, RunExecution>();
  /** Eagerly started runs whose creation is not committed yet (their leases cannot be renewed yet). */
  readonly #uncreated = new Set<string>();
  readonly #listeners = new Set<EngineEventListener>();
  #running = false;
  #tickScheduled = false;
  #ticking = false;
  #tickAgain = false;
  #wakeTimer: { at: number; handle: TimerHandle } | undefined;
  #leaseTimer: TimerHandle | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #recheckTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #claimFailures = 0;
  /** While the store fails, claims pause until this (real) time, whatever asks for a tick. */
  #claimsPausedUntil = 0;
  /** Ready runs may be waiting for a free slot: a claim filled every slot, or a notice came while full. */
  #backlog = true;
  readonly #served: string[] | undefined;
  readonly #queueDefinitions: QueueDefinition[];
  /** Queues with limits, as last read from the store. */
  #limitedQueues = new Set<string>();
  #queuesReadAt = -Infinity;
  readonly #scheduler: Scheduler;
  readonly #fireSchedules: boolean;
  readonly #changeRetentionMs: number;
  #pruneTimer: NodeJS.Timeout | undefined;
  /** The next claim also admits limited runs even if nothing here declares limits (runs created under older code may carry some). */
  #sweepLimited = true;

  constructor(options: EngineOptions) {
    if (options?.store === undefined)
      throw new BatonError(ErrorCode.InvalidArgument, 'new Engine({ store }) needs a store, e.g. new SqliteStore({ path }).', { retryable: false });
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.workflows = new WorkflowRegistry(options.workflows);
    this.#concurrency = positive(options.concurrency ?? 100, 'concurrency');
    this.#leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    this.#heartbeatMs = heartbeat(options.heartbeatMs, this.#leaseMs);
    this.#recoverLocalLeases = options.recoverLocalLeases ?? true;
    this.#pollIntervalMs = positive(options.pollIntervalMs ?? 500, 'pollIntervalMs');
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.#logger = options.logger ?? defaultLogger;
    this.id = options.id ?? formatEngineId(localIdentity(Math.random().toString(36).slice(2, 8).padEnd(6, '0')));
    this.#batcher = new WriteBatcher(this.store, this.clock);
    const queues = options.queues ?? undefined;
    if (queues !== undefined && (!Array.isArray(queues) || queues.length === 0))
      throw new BatonError(ErrorCode.InvalidArgument, 'queues must be a non-empty list of queue names or defineQueue(...) definitions.', { retryable: false });
    this.#queueDefinitions = (queues ?? []).filter(isQueueDefinition);
    this.#served = queues?.map((q) => {
      const name = isQueueDefinition(q) ? q.name : q;
      assertQueueName(name);
      return name;
    });
    const codec = new PayloadCodec(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes });
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
    };
    this.#scheduler = new Scheduler(this.store, this.clock, codec, this.workflows, this.#logger);
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
  }

  /** Registers another workflow (before or after start). */
  register(workflow: AnyWorkflow): this {
    this.workflows.add(workflow);
    this.#requestTick();
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
    this.#requestTick();
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
    await this.#readQueues();
    await this.#scheduler.syncCodeSchedules();
    await this.#scheduler.syncTriggers();
    if (this.#recoverLocalLeases) await this.#recoverDeadLocalEngines();
    this.#running = true;
    if (this.#fireSchedules) this.#scheduler.start();
    if (this.store.capabilities.localNotifications) this.#unsubscribe = this.store.subscribe((hint) => this.#onHint(hint));
    this.#armLeaseTimer();
    this.#armPoll();
    this.#requestTick();
    this.#armPrune();
  }

  /** Prunes the change feed about every minute (sooner for a short retention). */
  #armPrune(): void {
    const every = Math.max(1000, Math.min(60_000, Math.floor(this.#changeRetentionMs / 4)));
    this.#pruneTimer = setTimeout(() => {
      Promise.all([this.store.pruneChanges(this.clock.now() - this.#changeRetentionMs), this.store.pruneCached(this.clock.now())]).then(
        () => this.#running && this.#armPrune(),
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'pruning the change feed or the cache failed; trying again later');
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
    this.#wakeTimer?.handle.cancel();
    this.#wakeTimer = undefined;
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    if (this.#recheckTimer !== undefined) clearTimeout(this.#recheckTimer);
    const timeoutMs = options.timeoutMs ?? this.#shutdownTimeoutMs;
    const all = (): Promise<unknown> => Promise.allSettled([...this.#executions.values()].map((e) => e.finished));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const execution of this.#executions.values()) execution.release();
    await all();
    await this.#batcher.drain();
    this.#leaseTimer?.cancel();
    this.#unsubscribe?.();
    this.client.close();
  }

  /** Cancels a run executing here at once (the store flag reaches other engines through lease renewal). */
  notifyCancel(runId: string, reason?: StoredError): void {
    this.#executions.get(runId)?.cancel(reason);
  }

  /**
   * Eager start (used by `engine.client.start`): the run is created already claimed by this engine and
   * starts executing at once; its creation is committed with its first writes.
   */
  tryEagerStart(run: NewRun, workflow: AnyWorkflow, audit?: AuditEntry): Promise<WriteResult> | undefined {
    if (!this.#running || this.#executions.size >= this.#concurrency) return undefined;
    // A limited run waits for the claim that admits it; a queue not served here is for other workers.
    if (hasRunLimits(run) || this.#limitedQueues.has(run.queue) || (this.#served !== undefined && !this.#served.includes(run.queue))) return undefined;
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
    if (hint.type === 'ready') this.#requestTick();
    else if (hint.type === 'cancelRequested') this.notifyCancel(hint.runId, hint.reason);
    else if (hint.type === 'signal') this.#executions.get(hint.runId)?.deliverSignal(hint.signal);
  }

  #requestTick(): void {
    if (!this.#running || this.#tickScheduled) return;
    this.#tickScheduled = true;
    setImmediate(() => {
      this.#tickScheduled = false;
      void this.#tick();
    });
  }

  async #tick(): Promise<void> {
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#ticking = true;
    try {
      if (Date.now() < this.#claimsPausedUntil) return;
      const refs = this.workflows.refs();
      if (this.clock.now() - this.#queuesReadAt >= QUEUE_REFRESH_MS) await this.#readQueues();
      const flowControl = this.#sweepLimited || this.#limitedQueues.size > 0 || this.workflows.hasLimits();
      this.#sweepLimited = false;
      if (this.#executions.size >= this.#concurrency) this.#backlog = true;
      while (this.#running && refs.length > 0 && this.#executions.size < this.#concurrency) {
        const limit = this.#concurrency - this.#executions.size;
        const claimed = await this.store.claimRuns({
          owner: this.id,
          now: this.clock.now(),
          leaseMs: this.#leaseMs,
          limit,
          workflows: refs,
          flowControl,
          ...(this.#served === undefined ? {} : { queues: this.#served }),
        });
        for (const c of claimed) {
          const workflow = this.workflows.get(c.run.workflow, c.run.version);
          if (workflow === undefined) continue; // cannot happen: claims are filtered by refs
          const limits = this.#missingLimits(c, workflow);
          if (limits !== undefined) {
            // Created without its workflow's limits (by an event trigger): back to the queue with them, not started.
            void this.#batcher.submit({ runId: c.run.id, leaseToken: c.leaseToken, transition: { kind: 'release', limits } }).catch((error: unknown) => {
              this.#logger.warn({ runId: c.run.id, err: error }, 'giving a run its limits failed; its lease will expire and it is claimed again');
            });
            continue;
          }
          this.#launch(c, workflow);
        }
        this.#backlog = claimed.length >= limit;
        if (!this.#backlog) break;
      }
      if (this.#running && refs.length > 0) await this.#armWakeTimer(refs);
      if (this.#claimFailures > 0) this.#logger.info({ engine: this.id, failures: this.#claimFailures }, 'claiming runs works again');
      this.#claimFailures = 0;
    } catch (error) {
      this.#claimFailures++;
      const delay = Math.min(5000, 50 * 2 ** Math.min(this.#claimFailures, 7));
      this.#claimsPausedUntil = Date.now() + delay;
      // The first failure and then every tenth are logged: an outage must not flood the log.
      if (this.#claimFailures === 1 || this.#claimFailures % 10 === 0) {
        this.#logger.error({ engine: this.id, err: error, failures: this.#claimFailures, retryInMs: delay }, 'claiming runs failed; retrying with back-off');
      }
      setTimeout(() => this.#requestTick(), delay).unref();
    } finally {
      this.#ticking = false;
      if (this.#tickAgain) {
        this.#tickAgain = false;
        this.#requestTick();
      }
    }
  }

  /** The limits a first-claimed run should carry but does not (it was created without its workflow's code). */
  #missingLimits(claimed: ClaimedRun, workflow: AnyWorkflow): ReturnType<typeof runLimits> | undefined {
    const { run } = claimed;
    if (workflow.options.concurrency === undefined && workflow.options.rateLimit === undefined) return undefined;
    if (run.claims !== 1 || claimed.journal.length > 0 || run.concurrencyKey !== undefined || run.rateKey !== undefined) return undefined;
    try {
      const limits = runLimits(workflow.name, workflow.options, this.#env.codec.decode(run.input));
      return Object.keys(limits).length === 0 ? undefined : limits;
    } catch (error) {
      this.#logger.warn({ runId: run.id, err: error }, "the run's input gives no limit key; it runs without its workflow's limits");
      return undefined;
    }
  }

  #launch(claimed: ClaimedRun, workflow: AnyWorkflow, initialWrite?: Promise<unknown>): void {
    const execution = new RunExecution(this.#env, claimed, workflow, initialWrite);
    this.#executions.set(claimed.run.id, execution);
    void execution.finished.then(() => {
      if (this.#executions.get(claimed.run.id) === execution) this.#executions.delete(claimed.run.id);
      // A freed slot matters only if ready runs may be waiting for one; new work announces itself.
      if (this.#backlog) this.#requestTick();
      if (execution.suspendedUntil !== undefined) {
        // Already due by the time the suspend committed (a short sleep, a slow commit): claim it now.
        if (execution.suspendedUntil <= this.clock.now()) this.#requestTick();
        else this.#wakeAt(execution.suspendedUntil);
      }
    });
  }

  /** One timer, on the engine's clock, for the earliest waiting run. */
  async #armWakeTimer(refs: ReturnType<WorkflowRegistry['refs']>): Promise<void> {
    const at = await this.store.nextWakeAt(refs, this.clock.now());
    if (at === undefined) return;
    // Due already: it became due after the claim looked (a short sleep, a slow store). Look again soon
    // if a slot is free; not at once, so a due run this engine cannot take never spins the loop.
    if (at <= this.clock.now()) {
      if (this.#executions.size < this.#concurrency) this.#recheckSoon();
      return;
    }
    this.#wakeAt(at);
  }

  #recheckSoon(): void {
    if (this.#recheckTimer !== undefined || !this.#running) return;
    this.#recheckTimer = setTimeout(() => {
      this.#recheckTimer = undefined;
      this.#requestTick();
    }, 25);
    this.#recheckTimer.unref();
  }

  /** Makes sure a tick happens at `at` (the wake timer keeps the earliest time asked for). */
  #wakeAt(at: number): void {
    if (!this.#running) return;
    const now = this.clock.now();
    // A due run that could not be claimed (all slots busy) is picked up when a slot frees.
    if (at <= now) return;
    if (this.#wakeTimer !== undefined && this.#wakeTimer.at <= at) return;
    this.#wakeTimer?.handle.cancel();
    const handle = this.clock.setTimer(at - now, () => {
      this.#wakeTimer = undefined;
      this.#requestTick();
    });
    this.#wakeTimer = { at, handle };
  }

  async #readQueues(): Promise<void> {
    const queues = await this.store.listQueues();
    this.#limitedQueues = new Set(queues.filter(isLimitedQueue).map((q) => q.name));
    this.#queuesReadAt = this.clock.now();
  }

  #armPoll(): void {
    this.#pollTimer = setTimeout(() => {
      if (!this.#running) return;
      this.#sweepLimited = true;
      this.#requestTick();
      this.#scheduler.poke();
      this.#armPoll();
    }, this.#pollIntervalMs);
    this.#pollTimer.unref();
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

  #armLeaseTimer(): void {
    this.#leaseTimer = this.clock.setTimer(this.#heartbeatMs, () => {
      void this.#renewLeases().finally(() => {
        if (this.#running || this.#executions.size > 0) this.#armLeaseTimer();
      });
    });
  }

  async #renewLeases(): Promise<void> {
    if (this.#executions.size === 0) return;
    const leases = [...this.#executions.values()].filter((e) => !this.#uncreated.has(e.runId)).map((e) => ({ runId: e.runId, token: e.leaseToken }));
    try {
      const statuses = await this.store.renewLeases(this.id, leases, this.clock.now(), this.#leaseMs);
      for (const status of statuses) {
        const execution = this.#executions.get(status.runId);
        if (execution === undefined) continue;
        if (!status.held) execution.abandon();
        else if (status.cancelRequested) execution.cancel();
      }
    } catch (error) {
      this.#logger.warn({ engine: this.id, err: error }, 'lease renewal failed; retrying');
    }
  }
}

/** The lease renewal interval: given (at most a third of the lease), or a third of the lease up to 2 s. */
function heartbeat(value: number | undefined, leaseMs: number): number {
  if (value === undefined) return Math.max(10, Math.min(leaseMs / 3, 2000));
  positive(value, 'heartbeatMs');
  if (value > leaseMs / 3)
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `heartbeatMs (${value} ms) must be at most a third of leaseMs (${leaseMs} ms), so a lease survives a failed renewal or two; shorten the heartbeat or lengthen the lease.`,
      { retryable: false },
    );
  return value;
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0))
    throw new BatonError(ErrorCode.InvalidArgument, `${name} must be a positive number, not ${String(value)}.`, { retryable: false });
  return value;
}
