/**
 * `createTestEnv`: a real engine and client on a throwaway store, for users' own tests of their
 * workflows, with whatever test runner they use (it imports no test framework). Time is a ManualClock
 * that skips ahead whenever every run waits on a timer, so a run that sleeps for 30 days ends in
 * milliseconds; named steps can be mocked without touching the workflow's code.
 */
import {
  BatonError,
  Engine,
  ErrorCode,
  ManualClock,
  isWorkflow,
  silentLogger,
  toMillis,
  type AnyWorkflow,
  type Client,
  type Duration,
  type EmitOptions,
  type EngineOptions,
  type EventInfo,
  type JournalEntryInfo,
  type RunInfo,
  type StartOptions,
  type Store,
  type Workflow,
  type WorkflowList,
  WorkflowRegistry,
} from '@baton/core';
import { withStepMocks, type StepMock, type StepMocks } from './step-mocks.js';
import { inMemorySqliteStore, temporarySqliteStore } from './temporary-store.js';
import { TimeSkipper } from './time-skipping.js';

export type { StepMock } from './step-mocks.js';

export interface TestEnvOptions {
  /** The workflows under test: an array, or a module namespace whose exported workflows are taken. */
  workflows: WorkflowList;
  /**
   * The store (it is initialised, and closed with the environment). Default: a SQLite file in a new
   * temporary directory, removed on close. `'memory'`: a SQLite database in memory, nothing on disk.
   */
  store?: Store | 'memory';
  /** Where the environment's clock starts. Default 2030-01-01T00:00:00Z. */
  now?: Date | number;
  /** Steps to mock, by name: the mock runs instead of the step's function (the journal still records the step). */
  mocks?: { steps?: Record<string, StepMock> };
  /** Real-time limit of `result()` and of waiting for the engine in `advance()`. Default 10 s. */
  timeoutMs?: number;
  /** More engine options (a default retry policy, queues, a seed…); the store, workflows and clock are the environment's. */
  engine?: Omit<Partial<EngineOptions>, 'store' | 'workflows' | 'clock'>;
}

/** A started run: its id, and its result with time skipped until it ends. */
export interface TestRun<O = unknown> {
  readonly id: string;
  /** See TestEnv.result. */
  result(): Promise<O>;
}

export interface TestEnv {
  /** The environment's client (the engine's own): list, inspect, cancel, schedules, events… */
  readonly client: Client;
  readonly engine: Engine;
  readonly store: Store;
  /** The environment's clock: time moves only by skipping, `advance`, or `clock.set`. */
  readonly clock: ManualClock;
  /** Starts a run (like `client.start`, with the mocked version of a workflow given as an object). */
  start<I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<TestRun<O>>;
  start<O = unknown>(workflow: string, input?: unknown, options?: StartOptions): Promise<TestRun<O>>;
  /** Starts a run and returns its result (time skipped until it ends). */
  execute<I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<O>;
  /**
   * The run's output once it ends, skipping time whenever every run waits on a timer; throws the run's
   * error if it fails, like `client.result`. Throws BATON_TIMEOUT at once when the run waits for a
   * signal or an event with no timeout and nothing else is due (send it first), and after `timeoutMs`
   * of real time when a run keeps executing.
   */
  result<O = unknown>(runId: string): Promise<O>;
  /** Moves time forward (a duration string like '3d' or ms), letting every run due on the way run. */
  advance(duration: Duration): Promise<void>;
  /** Waits until the engine has nothing in hand: every run has ended or waits. */
  settle(): Promise<void>;
  /** Sends a signal to a run (like `client.signal`). */
  signal(runId: string, name: string, data?: unknown): Promise<void>;
  /** Emits an event (like `client.emit`): triggers start runs, waiting runs receive it. */
  emit(type: string, data?: unknown, options?: EmitOptions): Promise<EventInfo & { created: boolean }>;
  /** The run as the client shows it (payloads decoded). */
  get(runId: string): Promise<RunInfo>;
  /** The run's journal, in position order, with inputs, outputs and errors decoded. */
  journal(runId: string): Promise<JournalEntryInfo[]>;
  /** Mocks (or re-mocks) a step by name for the attempts that start from now on. */
  mockStep(name: string, mock: StepMock): void;
  /** The environment's time now. */
  now(): Date;
  /** Stops the engine and closes the store (removing the temporary one). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Makes a test environment and starts its engine. Close it when the test is done (or `await using`). */
export async function createTestEnv(options: TestEnvOptions): Promise<TestEnv> {
  if (typeof options.store === 'string' && options.store !== 'memory') {
    throw new BatonError(ErrorCode.InvalidArgument, `createTestEnv({ store }) takes a Store or 'memory', not '${options.store}'.`, { retryable: false });
  }
  const mocks: StepMocks = new Map(Object.entries(options.mocks?.steps ?? {}));
  const originals = WorkflowRegistry.collect(options.workflows);
  const mocked = new Map<AnyWorkflow, AnyWorkflow>(originals.map((w) => [w, withStepMocks(w, mocks)]));
  const temporary = options.store === undefined ? await temporarySqliteStore() : options.store === 'memory' ? inMemorySqliteStore() : undefined;
  const store: Store = temporary?.store ?? (options.store as Store);
  const clock = new ManualClock(options.now);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const engine = new Engine({
    logger: silentLogger,
    seed: 1,
    pollIntervalMs: 20,
    // Back-offs suspend the run with a wake-up time, which time skipping reaches.
    inMemoryBackoffMs: 0,
    // Time jumps by days: a lease must outlast any jump (nothing else holds runs here).
    leaseMs: 10 * 365 * 24 * 3_600_000,
    ...options.engine,
    store,
    workflows: [...mocked.values()],
    clock,
  });
  try {
    await engine.start();
  } catch (error) {
    await (temporary?.remove() ?? store.close());
    throw error;
  }
  const skipper = new TimeSkipper(engine, clock);
  const client = engine.client;
  const deadline = (): number => Date.now() + timeoutMs;
  let closed: Promise<void> | undefined;

  const result = async <O>(runId: string): Promise<O> => {
    const ended = await skipper.untilEnded(runId, { timeoutMs });
    return client.result<O>(ended.id);
  };
  const start = async (workflow: AnyWorkflow | string, input?: unknown, startOptions?: StartOptions): Promise<TestRun> => {
    const target = isWorkflow(workflow) ? (mocked.get(workflow) ?? workflow) : workflow;
    const handle = await client.start(target as string, input, startOptions);
    return { id: handle.id, result: () => result(handle.id) };
  };

  const env: TestEnv = {
    client,
    engine,
    store,
    clock,
    start: start as TestEnv['start'],
    execute: (async (workflow: AnyWorkflow, input: unknown, startOptions?: StartOptions) =>
      (await start(workflow, input, startOptions)).result()) as TestEnv['execute'],
    result,
    advance: (duration) => skipper.advance(toMillis(duration, 'advance duration'), deadline()),
    settle: async () => {
      if (!(await skipper.settle(deadline())))
        throw new Error(`The engine still had ${engine.activeRuns} run(s) executing after ${timeoutMs} ms of real time.`);
    },
    signal: (runId, name, data) => client.signal(runId, name, data),
    emit: (type, data, emitOptions) => client.emit(type, data, emitOptions),
    get: async (runId) => {
      const run = await client.get(runId);
      if (run === undefined) throw new Error(`No run ${runId} in this test environment.`);
      return run;
    },
    journal: (runId) => client.journal(runId),
    mockStep: (name, mock) => void mocks.set(name, mock),
    now: () => new Date(clock.now()),
    close: () =>
      (closed ??= (async () => {
        await engine.stop({ timeoutMs: 1000 });
        await (temporary?.remove() ?? store.close());
      })()),
    [Symbol.asyncDispose]: () => env.close(),
  };
  return env;
}
