/**
 * The heartbeat: on the engine's clock, the leases of the runs executing here are renewed in one
 * store call. A run whose lease was lost is abandoned (another worker owns it now); a run whose
 * cancel was requested elsewhere is cancelled here.
 */
import type { Store } from '../store/store.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Logger } from './logger.js';
import type { RunExecution } from './run-execution.js';

/** What lease renewal needs of its engine. */
export interface LeaseHost {
  readonly store: Store;
  readonly clock: Clock;
  /** The engine id: the lease owner. */
  readonly id: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly logger: Logger;
  /** The runs executing here, by id. */
  readonly executions: ReadonlyMap<string, RunExecution>;
  /** Eagerly started runs whose creation is not committed yet (their leases cannot be renewed yet). */
  readonly uncreated: ReadonlySet<string>;
  /** False once the engine stops (renewal goes on while runs still execute). */
  running(): boolean;
}

export class LeaseRenewal {
  readonly #host: LeaseHost;
  #leaseTimer: TimerHandle | undefined;

  constructor(host: LeaseHost) {
    this.#host = host;
  }

  start(): void {
    this.#leaseTimer = this.#host.clock.setTimer(this.#host.heartbeatMs, () => {
      void this.#renewLeases().finally(() => {
        if (this.#host.running() || this.#host.executions.size > 0) this.start();
      });
    });
  }

  stop(): void {
    this.#leaseTimer?.cancel();
  }

  async #renewLeases(): Promise<void> {
    const { store, clock, id, executions, uncreated } = this.#host;
    if (executions.size === 0) return;
    const leases = [...executions.values()].filter((e) => !uncreated.has(e.runId)).map((e) => ({ runId: e.runId, token: e.leaseToken }));
    try {
      const statuses = await store.renewLeases(id, leases, clock.now(), this.#host.leaseMs);
      for (const status of statuses) {
        const execution = executions.get(status.runId);
        if (execution === undefined) continue;
        if (!status.held) execution.abandon();
        else if (status.cancelRequested) execution.cancel();
      }
    } catch (error) {
      this.#host.logger.warn({ engine: id, err: error }, 'lease renewal failed; retrying');
    }
  }
}
