/** Test helpers: an engine on a fresh store, condition waits, and a manual clock wired to the engine. */
import { Engine, ManualClock, silentLogger, type AnyWorkflow, type Clock, type EngineOptions, type RunStatus, type Store } from '@baton/core';

export interface StoreFactory {
  /** A human name for the store ("sqlite", "postgres"). */
  name: string;
  /** A fresh, empty store (its own file, schema or database). */
  create(): Promise<Store>;
  /** Optional: a second handle on the same storage (another connection/process view). */
  reopen?(store: Store): Promise<Store>;
  /**
   * Optional: the failed entries a retry set aside for a run (kept for the audit trail, not part of
   * the Store interface), read from the store's storage in position order; checked when given.
   */
  setAsideEntries?(store: Store, runId: string): Promise<{ seq: number; status: string; input: string | null }[]>;
  /**
   * Optional: moves the changes a store keeps aside into its hourly counts (PostgreSQL's foldStats),
   * for a store that keeps any; suites check the overview before and after it.
   */
  foldStats?(store: Store): Promise<void>;
}

export interface Harness {
  store: Store;
  engine: Engine;
  clock: Clock;
  /** Stops the engine and closes the store. */
  close(): Promise<void>;
}

/** Waits until `condition` returns a truthy value (polling, real time), or throws after `timeoutMs`. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: { timeoutMs?: number; message?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let delay = 1;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor timed out: ${options.message ?? condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 20);
  }
}

/** Waits until the run has the given status (or one of them). */
export async function waitForStatus(engine: Engine, runId: string, status: RunStatus | RunStatus[], timeoutMs = 10_000): Promise<void> {
  const wanted = Array.isArray(status) ? status : [status];
  await waitFor(
    async () => {
      const run = await engine.client.get(runId);
      return run !== undefined && wanted.includes(run.status);
    },
    { timeoutMs, message: `run ${runId} to be ${wanted.join('|')}` },
  );
}

export async function startHarness(
  factory: StoreFactory,
  workflows: AnyWorkflow[],
  options: Partial<Omit<EngineOptions, 'store' | 'workflows'>> & { manualClock?: boolean } = {},
): Promise<Harness & { manual: ManualClock | undefined }> {
  const store = await factory.create();
  const manual = options.manualClock === true ? new ManualClock() : undefined;
  const { manualClock: _ignored, ...engineOptions } = options;
  const engine = new Engine({
    store,
    workflows,
    logger: silentLogger,
    pollIntervalMs: 50,
    ...engineOptions,
    ...(manual === undefined ? {} : { clock: manual }),
  });
  await engine.start();
  return {
    store,
    engine,
    clock: engine.clock,
    manual,
    close: async () => {
      await engine.stop({ timeoutMs: 2000 });
      await store.close();
    },
  };
}

/** Advances a manual clock in small slices, letting the engine react between them. */
export async function advance(clock: ManualClock, ms: number, slices = 1): Promise<void> {
  for (let i = 0; i < slices; i++) {
    clock.advance(ms / slices);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A promise with its resolve function, for steps that must wait for the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Runs `test` on a fresh, initialised store of `factory`, closing it afterwards. */
export async function withStore(factory: StoreFactory, test: (store: Store) => Promise<void>): Promise<void> {
  const store = await factory.create();
  await store.init();
  try {
    await test(store);
  } finally {
    await store.close();
  }
}
