/** What a store reports about its runs at one moment (see Store.stats): the numbers behind the gauges of /metrics. */

/** The queued runs of one queue. */
export interface QueueStats {
  queue: string;
  /** Queued runs, due or not (a debounced run, one a rate limit holds back or one held until another ends). */
  queued: number;
  /** The earliest creation time of a queued run (absent when none is queued). */
  oldestCreatedAt?: number;
  /**
   * The earliest time a queued run that is due at `now` became ready to be claimed (absent when
   * none is due): `now` minus this is how long the longest-waiting run has waited for a worker.
   */
  oldestReadyAt?: number;
}

/** The queued runs of one queue in one namespace. */
export interface NamespaceQueueStats extends QueueStats {
  namespace: string;
}

export interface StoreStats {
  /** Queues with at least one queued run, and defined queues (with zeros), by name: every namespace's runs together. */
  queues: QueueStats[];
  /** Queued runs per namespace and queue, for queues with at least one queued run, by namespace then queue. */
  namespaceQueues: NamespaceQueueStats[];
  /** Runs a worker executes now (their lease may have expired: see `expiredLeases`). */
  running: number;
  /** Runs waiting (a timer, a signal, an event, a child run or a retry back-off). */
  waiting: number;
  /** Waiting runs that wait for at least one signal (event waits are not signal waits here). */
  waitingForSignal: number;
  /** Running runs whose lease expired by `now`: their worker stopped renewing it and another will take them over. */
  expiredLeases: number;
}
