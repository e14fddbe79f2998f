/**
 * Extensions add operations to every workflow's `ctx`, built only from what `ctx` already offers
 * (steps, waits, children), so everything they do is journaled and replayed like the rest. @baton/ai
 * adds `ctx.llm` and `ctx.agent` this way. An extension registers once per process, by importing
 * its package; its types extend `WorkflowContext` by declaration merging.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { WorkflowContext } from './workflow-context.js';

/** What an extension may use besides `ctx`: the engine's store (for caches shared across runs), clock, and the run's namespace. */
export interface ExtensionServices {
  readonly store: Store;
  readonly clock: Clock;
  /** The namespace of the run `ctx` belongs to (what it writes to the store belongs there too). */
  readonly namespace: string;
}

/** Builds the members an extension adds to one execution's `ctx`. */
export type ContextExtension = (ctx: WorkflowContext, services: ExtensionServices) => Record<string, unknown>;

// On globalThis, so two copies of this package in one process share the registry.
const REGISTRY = Symbol.for('baton.contextExtensions');
type Registry = Map<string, ContextExtension>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

const RESERVED = new Set([
  'runId',
  'workflow',
  'version',
  'signal',
  'step',
  'sleep',
  'sleepUntil',
  'waitForSignal',
  'waitForEvent',
  'child',
  'continueAsNew',
  'now',
  'random',
  'uuid',
  'setProgress',
  'patched',
]);

/**
 * Registers an extension under `name` (registering the same name again replaces it). `name` only
 * identifies it; the members it returns are what appear on `ctx`, and may not shadow ctx's own.
 */
export function registerContextExtension(name: string, extension: ContextExtension): void {
  if (typeof name !== 'string' || name.length === 0 || typeof extension !== 'function') {
    throw new BatonError(ErrorCode.InvalidArgument, 'registerContextExtension(name, extension) needs a name and a function.', { retryable: false });
  }
  registry().set(name, extension);
}

/** Adds every registered extension's members to `ctx` (before it is frozen). */
export function applyContextExtensions(ctx: WorkflowContext, services: ExtensionServices): void {
  for (const [name, extension] of registry()) {
    for (const [member, value] of Object.entries(extension(ctx, services))) {
      if (RESERVED.has(member)) {
        throw new BatonError(ErrorCode.InvalidArgument, `The context extension '${name}' may not replace ctx.${member}.`, { retryable: false });
      }
      (ctx as unknown as Record<string, unknown>)[member] = value;
    }
  }
}
