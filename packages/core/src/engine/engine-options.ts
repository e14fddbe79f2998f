/**
 * What an engine is built with (EngineOptions), and the checks of the numbers among them: a bad
 * value throws BATON_INVALID_ARGUMENT when the engine is made, not when it first needs the value.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { BlobStore } from '../blob/blob-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { QueueDefinition } from '../workflow/flow.js';
import type { JsonSchemaValidator } from '../client/signal-check.js';
import type { Durability } from './engine-internals.js';
import type { Logger } from './logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { WorkflowList } from './workflow-registry.js';

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
  /** Largest encoded payload held in memory, in bytes (the hard ceiling, blob store or not). Default 2 MiB. */
  maxPayloadBytes?: number;
  /**
   * Where large payloads live: inputs, outputs, step results, signals and events whose encoding is
   * over `blobThresholdBytes` are written here and journaled as a reference; BlobValue handles read
   * from here. Without one, payloads up to `maxPayloadBytes` stay in the journal.
   */
  blobs?: BlobStore;
  /** Encoded payloads larger than this go to the blob store. Default 256 KiB. */
  blobThresholdBytes?: number;
  /** Retry back-offs up to this long wait in memory; longer ones suspend the run. Default 5 s. */
  inMemoryBackoffMs?: number;
  /** How long `stop()` lets running runs finish before releasing them. Default 10 s. */
  shutdownTimeoutMs?: number;
  logger?: Logger;
  /**
   * Delivers notifications to the deployment's named channels (alerts, escalations of people's tasks).
   * Without one, a notification to a channel is logged as undeliverable and nothing else happens.
   */
  notifier?: Notifier;
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
   * The namespace the schedules and event triggers its workflows declare in code belong to: their
   * runs start there, and the triggers start runs only for events emitted there. Default 'default'.
   */
  namespace?: string;
  /**
   * How long the change feed (live updates) keeps changes; older ones are pruned by every engine
   * about every minute. A live-update reader that falls further behind is told to reload. Default 15 min.
   */
  changeRetentionMs?: number;
  /** See ClientOptions.jsonSchemaValidator: checks signals to runs of workflows only the store's catalog knows. */
  jsonSchemaValidator?: JsonSchemaValidator;
}

/** The lease renewal interval: given (at most a third of the lease), or a third of the lease up to 2 s. */
export function heartbeat(value: number | undefined, leaseMs: number): number {
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

export function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0))
    throw new BatonError(ErrorCode.InvalidArgument, `${name} must be a positive number, not ${String(value)}.`, { retryable: false });
  return value;
}
