/**
 * The engine's claim loop: one tick at a time claims ready runs into the free slots, arms one timer
 * for the earliest waiting run, and polls the store for runs made ready elsewhere. When claiming
 * fails (the store is down), ticks pause with a growing back-off measured on the engine's clock.
 */
import type { ClaimedRun, Store } from '../store/store.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import { runLimits } from '../workflow/flow.js';
import { isLimitedQueue } from '../store/flow-control.js';
import type { Logger } from './logger.js';
import type { WorkflowRegistry } from './workflow-registry.js';
import type { WriteBatcher } from './write-batcher.js';

/** What the claim loop needs of its engine. */
export interface ClaimHost {
  readonly store: Store;
  readonly clock: Clock;
  /** The engine id: the lease owner of what it claims. */
  readonly id: string;
  readonly workflows: WorkflowRegistry;
  readonly codec: PayloadCodec;
  readonly logger: Logger;
  readonly batcher: WriteBatcher;
  /** Runs executed at once. */
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  /** The queues served; undefined: every queue. */
  readonly served: string[] | undefined;
  /** False once the engine stops: no more claims. */
  running(): boolean;
  /** Runs executing now. */
  active(): number;
  /** Starts executing a claimed run. */
  launch(claimed: ClaimedRun, workflow: AnyWorkflow): void;
  /** Called on each poll (the scheduler looks for due ticks too). */
  polled(): void;
}

/** How often an engine reads the stored queue limits again (another worker may have changed them). */
const QUEUE_REFRESH_MS = 10_000;

export class ClaimLoop {
  readonly #host: ClaimHost;
  #tickScheduled = false;
  #ticking = false;
  #tickAgain = false;
  #wakeTimer: { at: number; handle: TimerHandle } | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #recheckTimer: NodeJS.Timeout | undefined;
  #retryTimer: TimerHandle | undefined;
  #claimFailures = 0;
  /** While the store fails, claims pause until this time on the engine's clock, whatever asks for a tick. */
  #claimsPausedUntil = 0;
  /** Ready runs may be waiting for a free slot: a claim filled every slot, or a notice came while full. */
  #backlog = true;
  /** Queues with limits, as last read from the store. */
  #limitedQueues = new Set<string>();
  #queuesReadAt = -Infinity;
  /** The next claim also admits limited runs even if nothing here declares limits (runs created under older code may carry some). */
  #sweepLimited = true;

  constructor(host: ClaimHost) {
    this.#host = host;
  }

  /** Ready runs may be waiting for a slot (a freed slot should tick). */
  get backlog(): boolean {
    return this.#backlog;
  }

  /** A tick is under way or asked for: the loop may claim runs or arm a timer soon. */
  get busy(): boolean {
    return this.#tickScheduled || this.#ticking;
  }

  /** Whether the store holds limits for this queue (as last read). */
  isLimitedQueue(queue: string): boolean {
    return this.#limitedQueues.has(queue);
  }

  /** Starts polling. */
  start(): void {
    this.#armPoll();
  }

  /** Cancels every timer (the engine stopped). */
  stop(): void {
    this.#wakeTimer?.handle.cancel();
    this.#wakeTimer = undefined;
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    if (this.#recheckTimer !== undefined) clearTimeout(this.#recheckTimer);
    this.#retryTimer?.cancel();
  }

  requestTick(): void {
    if (!this.#host.running() || this.#tickScheduled) return;
    this.#tickScheduled = true;
    setImmediate(() => {
      this.#tickScheduled = false;
      void this.#tick();
    });
  }

  async #tick(): Promise<void> {
    const host = this.#host;
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#ticking = true;
    try {
      if (host.clock.now() < this.#claimsPausedUntil) return;
      const refs = host.workflows.refs();
      if (host.clock.now() - this.#queuesReadAt >= QUEUE_REFRESH_MS) await this.readQueues();
      const flowControl = this.#sweepLimited || this.#limitedQueues.size > 0 || host.workflows.hasLimits();
      this.#sweepLimited = false;
      if (host.active() >= host.concurrency) this.#backlog = true;
      while (host.running() && refs.length > 0 && host.active() < host.concurrency) {
        const limit = host.concurrency - host.active();
        const claimed = await host.store.claimRuns({
          owner: host.id,
          now: host.clock.now(),
          leaseMs: host.leaseMs,
          limit,
          workflows: refs,
          flowControl,
          ...(host.served === undefined ? {} : { queues: host.served }),
        });
        for (const c of claimed) {
          const workflow = host.workflows.get(c.run.workflow, c.run.version);
          if (workflow === undefined) continue; // cannot happen: claims are filtered by refs
          const limits = this.#missingLimits(c, workflow);
          if (limits !== undefined) {
            // Created without its workflow's limits (by an event trigger): back to the queue with them, not started.
            void host.batcher.submit({ runId: c.run.id, leaseToken: c.leaseToken, transition: { kind: 'release', limits } }).catch((error: unknown) => {
              host.logger.warn({ runId: c.run.id, err: error }, 'giving a run its limits failed; its lease will expire and it is claimed again');
            });
            continue;
          }
          host.launch(c, workflow);
        }
        this.#backlog = claimed.length >= limit;
        if (!this.#backlog) break;
      }
      if (host.running() && refs.length > 0) await this.#armWakeTimer(refs);
      if (this.#claimFailures > 0) host.logger.info({ engine: host.id, failures: this.#claimFailures }, 'claiming runs works again');
      this.#claimFailures = 0;
    } catch (error) {
      this.#claimFailures++;
      const delay = Math.min(5000, 50 * 2 ** Math.min(this.#claimFailures, 7));
      this.#claimsPausedUntil = host.clock.now() + delay;
      // The first failure and then every tenth are logged: an outage must not flood the log.
      if (this.#claimFailures === 1 || this.#claimFailures % 10 === 0) {
        host.logger.error({ engine: host.id, err: error, failures: this.#claimFailures, retryInMs: delay }, 'claiming runs failed; retrying with back-off');
      }
      this.#retryTimer?.cancel();
      this.#retryTimer = host.clock.setTimer(delay, () => this.requestTick());
    } finally {
      this.#ticking = false;
      if (this.#tickAgain) {
        this.#tickAgain = false;
        this.requestTick();
      }
    }
  }

  /** The limits a first-claimed run should carry but does not (it was created without its workflow's code). */
  #missingLimits(claimed: ClaimedRun, workflow: AnyWorkflow): ReturnType<typeof runLimits> | undefined {
    const { run } = claimed;
    if (workflow.options.concurrency === undefined && workflow.options.rateLimit === undefined) return undefined;
    if (run.claims !== 1 || claimed.journal.length > 0 || run.concurrencyKey !== undefined || run.rateKey !== undefined) return undefined;
    try {
      const limits = runLimits(workflow.name, workflow.options, this.#host.codec.decode(run.input), run.namespace);
      return Object.keys(limits).length === 0 ? undefined : limits;
    } catch (error) {
      this.#host.logger.warn({ runId: run.id, err: error }, "the run's input gives no limit key; it runs without its workflow's limits");
      return undefined;
    }
  }

  /** One timer, on the engine's clock, for the earliest waiting run. */
  async #armWakeTimer(refs: ReturnType<WorkflowRegistry['refs']>): Promise<void> {
    const at = await this.#host.store.nextWakeAt(refs, this.#host.clock.now());
    if (at === undefined) return;
    // Due already: it became due after the claim looked (a short sleep, a slow store). Look again soon
    // if a slot is free; not at once, so a due run this engine cannot take never spins the loop.
    if (at <= this.#host.clock.now()) {
      if (this.#host.active() < this.#host.concurrency) this.#recheckSoon();
      return;
    }
    this.wakeAt(at);
  }

  #recheckSoon(): void {
    if (this.#recheckTimer !== undefined || !this.#host.running()) return;
    this.#recheckTimer = setTimeout(() => {
      this.#recheckTimer = undefined;
      this.requestTick();
    }, 25);
    this.#recheckTimer.unref();
  }

  /** Makes sure a tick happens at `at` (the wake timer keeps the earliest time asked for). */
  wakeAt(at: number): void {
    if (!this.#host.running()) return;
    const now = this.#host.clock.now();
    // A due run that could not be claimed (all slots busy) is picked up when a slot frees.
    if (at <= now) return;
    if (this.#wakeTimer !== undefined && this.#wakeTimer.at <= at) return;
    this.#wakeTimer?.handle.cancel();
    const handle = this.#host.clock.setTimer(at - now, () => {
      this.#wakeTimer = undefined;
      this.requestTick();
    });
    this.#wakeTimer = { at, handle };
  }

  async readQueues(): Promise<void> {
    const queues = await this.#host.store.listQueues();
    this.#limitedQueues = new Set(queues.filter(isLimitedQueue).map((q) => q.name));
    this.#queuesReadAt = this.#host.clock.now();
  }

  /** The backstop for runs made ready by other processes: real time, whatever the engine's clock. */
  #armPoll(): void {
    this.#pollTimer = setTimeout(() => {
      if (!this.#host.running()) return;
      this.#sweepLimited = true;
      this.requestTick();
      this.#host.polled();
      this.#armPoll();
    }, this.#host.pollIntervalMs);
    this.#pollTimer.unref();
  }
}
