/**
 * The environment a replay check runs a workflow in: nothing is written, nothing is started. Any
 * attempt to write or reach the store is a bug of the check (the executor writes only when live),
 * so it fails loudly instead of touching a database.
 */
import { trace } from '@opentelemetry/api';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { ExecutionEnvironment } from '../engine/engine-internals.js';
import { silentLogger } from '../engine/logger.js';
import { defaultPayloadCodec, type PayloadCodec } from '../payload/payload-codec.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from '../time/clock.js';

function refuse(what: string): BatonError {
  return new BatonError(ErrorCode.WorkflowError, `A replay check tried to ${what}; a check never writes or starts anything.`, { retryable: false });
}

const noStore = new Proxy({} as Store, {
  get(_target, property) {
    if (property === 'then') return undefined;
    return () => {
      throw refuse(`use the store (${String(property)})`);
    };
  },
});

export function replayEnvironment(options: { codec?: PayloadCodec; clock?: Clock } = {}): ExecutionEnvironment {
  return {
    store: noStore,
    clock: options.clock ?? systemClock,
    codec: options.codec ?? defaultPayloadCodec,
    logger: silentLogger,
    tracer: trace.getTracer('baton-replay'),
    durability: 'strict',
    defaultRetry: undefined,
    inMemoryBackoffMs: 0,
    notifier: undefined,
    random: () => 0.5,
    newId: () => {
      throw refuse('create a run');
    },
    submit: () => Promise.reject(refuse('write')),
    emit: () => {},
    hasListeners: () => false,
    requestCancel: () => Promise.reject(refuse('cancel a run')),
    acquireRate: () => Promise.reject(refuse('take from a rate limiter')),
    registerEventWait: () => Promise.reject(refuse('register an event wait')),
    failureRun: () => Promise.reject(refuse('start a failure workflow')),
  };
}
