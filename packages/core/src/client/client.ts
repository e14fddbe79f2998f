/**
 * The client: starts runs and reads, signals, cancels, retries and resumes them. It needs only a
 * store, so any process can drive runs that workers elsewhere execute. `engine.client` also starts
 * runs eagerly on its own engine.
 */
import { BatonError, ErrorCode, isBatonError } from '../errors/errors.js';
import { validate } from '../errors/validation.js';
import { runNotFound } from '../store/store-rules.js';
import { CatalogKind } from '../store/workflow-catalog.js';
import { type PayloadCodec, defaultPayloadCodec } from '../payload/payload-codec.js';
import {
  RunStatus,
  isTerminalStatus,
  type JournalEntry,
  type NewRun,
  type PlannedCompensation,
  type RunFilter,
  type RunRecord,
  type StoredError,
} from '../store/records.js';
import type { Store, WriteResult } from '../store/store.js';
import { systemClock, type Clock } from '../time/clock.js';
import { uuidv7, isValidRunId } from '../util/ids.js';
import { assertStorableText } from '../util/text.js';
import type { AnyWorkflow, Workflow } from '../workflow/workflow.js';
import { isWorkflow } from '../workflow/workflow.js';
import { assertQueueName, runLimits, startControl } from '../workflow/flow.js';
import { fromStoredError, toStoredError } from '../engine/stored-errors.js';
import { WorkflowRegistry, type WorkflowList } from '../engine/workflow-registry.js';
import { WriteBatcher } from '../engine/write-batcher.js';
import { Schedules } from './schedules.js';
import { Events, type EmitOptions, type EventInfo } from './events.js';
import { Auditor, type Actor } from './auditor.js';
import { Inbox } from './inbox.js';
import { KnownWorkflows } from './known-workflows.js';
import { SignalCheck, type JsonSchemaValidator } from './signal-check.js';
import type { AuditEntry } from '../store/activity.js';

/** What the client needs of a local engine for eager starts. */
interface EagerEngine {
  tryEagerStart(run: NewRun, workflow: AnyWorkflow, audit?: AuditEntry): Promise<WriteResult> | undefined;
  notifyCancel(runId: string, reason?: StoredError): void;
}

export interface ClientOptions {
  store: Store;
  clock?: Clock;
  codec?: PayloadCodec;
  /** Known workflows: starting one by name validates its input and records its current version. */
  workflows?: WorkflowList | WorkflowRegistry;
  /** @internal set by Engine for eager starts. */
  engine?: EagerEngine;
  /** @internal the engine's group commit, shared so starts and run writes commit together. */
  batcher?: WriteBatcher;
  /** Who this client acts for (see `as`). */
  actor?: Actor;
  /**
   * Checks signal data against the JSON Schema the store's workflow catalog keeps for a workflow this
   * process does not have the code of (the server package offers one). Without it, such signals are
   * checked only by the run's wait; workflows this process has are checked with their zod schemas.
   */
  jsonSchemaValidator?: JsonSchemaValidator;
  /** @internal the names known to this client and the clients made from it with `as`. */
  known?: KnownWorkflows;
}

export interface StartOptions {
  /** The run id, also its idempotency key: starting with an id that exists returns that run. */
  id?: string;
  priority?: number;
  queue?: string;
  /** Labels to find the run by (at most 20, each 1-100 characters). Child runs inherit them. */
  tags?: string[];
}

export interface RunHandle<O = unknown> {
  readonly id: string;
  /** False when a run with this id already existed (idempotent start). */
  readonly created: boolean;
  /** Waits for the run to end; returns its output or throws its error. */
  result(options?: ResultOptions): Promise<O>;
}

export interface ResultOptions {
  /** Give up waiting (BATON_TIMEOUT) after this many ms of real time. */
  timeoutMs?: number;
  /** Stops waiting when aborted, throwing its reason (the run goes on). */
  signal?: AbortSignal;
}

export interface RunError {
  name: string;
  message: string;
  code?: string;
  /** The error that caused this one (e.g. the application error under BATON_STEP_FAILED). */
  cause?: RunError;
}

/** A run as clients see it: payloads decoded, times as Dates. */
export interface RunInfo {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: RunError;
  progress?: unknown;
  queue: string;
  priority: number;
  parentId?: string;
  /** For a child run: the position of the entry that started it in its parent's journal. */
  parentSeq?: number;
  continuedFrom?: string;
  continuedTo?: string;
  cancelRequested: boolean;
  compensating: boolean;
  /** For a run that compensated: the steps it undoes (or undid), latest first, from when compensation began. */
  compensationPlan?: PlannedCompensation[];
  wakeAt?: Date;
  waitingFor?: { signals: string[]; children: string[] };
  claims: number;
  namespace: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  endedAt?: Date;
}

export interface JournalEntryInfo {
  seq: number;
  kind: JournalEntry['kind'];
  name: string;
  status: JournalEntry['status'];
  /** What the operation worked on (a step's `input` option, a compensation's step result), decoded. */
  input?: unknown;
  output?: unknown;
  error?: RunError;
  attempts: number;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  compensates?: number;
}

export interface ListOptions extends Omit<RunFilter, 'createdAfter' | 'createdBefore' | 'namespace'> {
  createdAfter?: Date | number;
  createdBefore?: Date | number;
}

export class Client {
  /** Cron schedules: create, list, get, pause, resume, delete. */
  readonly schedules: Schedules;
  /** The event log: emit (plain or CloudEvents) and list. */
  readonly events: Events;
  /** Runs waiting for a person's signal, and who handles each (claim, release). */
  readonly inbox: Inbox;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #codec: PayloadCodec;
  readonly #workflows: WorkflowRegistry;
  readonly #engine: EagerEngine | undefined;
  readonly #batcher: WriteBatcher;
  readonly #options: ClientOptions;
  readonly #auditor: Auditor;
  readonly #known: KnownWorkflows;
  readonly #signals: SignalCheck;
  /** Callers of result() waiting for a run to end, woken by the store's local hints. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: ClientOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#codec = options.codec ?? defaultPayloadCodec;
    this.#workflows = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows);
    this.#engine = options.engine;
    this.#batcher = options.batcher ?? new WriteBatcher(this.#store, this.#clock);
    this.#known = options.known ?? new KnownWorkflows(this.#store, this.#workflows, this.#clock);
    this.#options = { ...options, workflows: this.#workflows, batcher: this.#batcher, known: this.#known };
    this.#auditor = new Auditor(this.#store, this.#clock, options.actor);
    this.#signals = new SignalCheck(this.#store, this.#workflows, this.#clock, options.jsonSchemaValidator);
    this.schedules = new Schedules(this.#store, this.#clock, this.#codec, this.#workflows, this.#auditor, this.#known);
    this.events = new Events(this.#store, this.#clock, this.#codec, this.#auditor);
    this.inbox = new Inbox(this.#store, this.#clock, this.#auditor, (run) => this.#info(run));
  }

  /**
   * A client acting for `actor`: every change it makes (start, signal, cancel, retry, resume, emit,
   * schedule changes) is written to the audit log in the change's transaction, and with a namespace
   * it sees and starts only that namespace's runs. It shares this client's store and engine.
   */
  as(actor: Actor): Client {
    return new Client({ ...this.#options, actor });
  }

  /** The run, if it is in this client's namespace (a client without one sees every run). */
  async #visible(runId: string): Promise<RunRecord | undefined> {
    assertStorableText(runId, 'run id');
    const run = await this.#store.getRun(runId);
    const namespace = this.#auditor.actor?.namespace;
    return run === undefined || (namespace !== undefined && run.namespace !== namespace) ? undefined : run;
  }

  /** Throws RUN_NOT_FOUND unless the run is visible to this client. */
  async #mustSee(runId: string): Promise<void> {
    assertStorableText(runId, 'run id');
    if (this.#auditor.actor?.namespace !== undefined && (await this.#visible(runId)) === undefined) throw runNotFound(runId);
  }

  /**
   * Starts a run. With a workflow object (or a name this process knows) the input is validated first:
   * invalid input throws BATON_INVALID_INPUT and no run is created. A name this process does not know
   * is looked up in the store's workflow catalog (every engine registers its workflows there when it
   * starts): the run is created on the queue its workers registered (unless `queue` is given) and
   * the worker that picks it up validates its input; a name no
   * engine has registered throws BATON_WORKFLOW_NOT_FOUND. A client acting for someone records a
   * refused start in the audit log too.
   */
  async start<I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<RunHandle<O>>;
  async start<O = unknown>(workflow: string, input?: unknown, options?: StartOptions): Promise<RunHandle<O>>;
  async start(workflowOrName: AnyWorkflow | string, input?: unknown, options: StartOptions = {}): Promise<RunHandle<unknown>> {
    const name = isWorkflow(workflowOrName) ? workflowOrName.name : String(workflowOrName);
    const runId = typeof options.id === 'string' ? options.id.slice(0, 200) : uuidv7(this.#clock.now());
    const audit = this.#auditor;
    const handle = await audit.run('run.start', runId, (entry) => this.#startChecked(workflowOrName, name, runId, input, options, entry), {
      workflow: name.slice(0, 200),
    });
    if (!handle.created) await audit.record('run.start', handle.id, 'existing', { workflow: name });
    return handle;
  }

  /** The checks of a start, then the start itself (in the audited call, so a refusal is recorded). */
  async #startChecked(
    workflowOrName: AnyWorkflow | string,
    name: string,
    runId: string,
    input: unknown,
    options: StartOptions,
    audit: AuditEntry | undefined,
  ): Promise<RunHandle<unknown>> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('start() needs a workflow or a workflow name.');
    assertStorableText(name, 'workflow name');
    assertStorableText(options.id, 'run id');
    assertStorableText(options.queue, 'queue');
    if (options.id !== undefined && !isValidRunId(options.id)) {
      throw invalidArgument(`Invalid run id ${JSON.stringify(options.id)}: use 1-200 letters, digits and . _ : @ / - (starting with a letter or digit).`);
    }
    const workflow = isWorkflow(workflowOrName) ? workflowOrName : this.#workflows.get(name);
    // A name only the store's catalog knows starts on the queue its workers registered.
    const cataloged = workflow === undefined ? await this.#known.require(name, 'No run was created.') : undefined;
    let value = input;
    const schema = workflow?.options.input;
    if (schema !== undefined) {
      value = validate(schema, input, {
        code: ErrorCode.InvalidInput,
        what: `input for workflow '${name}'`,
        advice: 'No run was created; fix the input and start again.',
      });
    }
    const payload = this.#codec.encode(value, `input of workflow '${name}'`);
    const priority = options.priority ?? workflow?.options.priority ?? 0;
    if (!Number.isInteger(priority)) throw invalidArgument(`priority must be an integer, not ${String(priority)}.`);
    const queue = options.queue ?? workflow?.options.queue ?? cataloged?.queue ?? 'default';
    assertQueueName(queue);
    const run: NewRun = {
      id: runId,
      workflow: name,
      // A deployed definition's run is pinned at start to the version deployed last; otherwise the
      // worker that claims it pins the version it runs as current.
      version: workflow?.version ?? (cataloged !== undefined && cataloged.kind === CatalogKind.Definition ? cataloged.version : ''),
      input: payload,
      queue,
      priority,
      ...(workflow === undefined ? {} : runLimits(name, workflow.options, value)),
    };
    const namespace = this.#auditor.actor?.namespace;
    if (namespace !== undefined) run.namespace = namespace;
    if (options.tags !== undefined) run.tags = checkTags(options.tags);
    const control = workflow === undefined ? undefined : startControl(name, workflow.options, value);
    if (control !== undefined && options.id !== undefined) {
      throw invalidArgument(`Workflow '${name}' coalesces its starts (debounce or throttle): start it without an id.`);
    }
    return this.#create(run, workflow, control, options.id !== undefined, audit);
  }

  async #create(
    run: NewRun,
    workflow: AnyWorkflow | undefined,
    control: ReturnType<typeof startControl>,
    byId: boolean,
    audit: AuditEntry | undefined,
  ): Promise<RunHandle<unknown>> {
    if (control !== undefined) {
      const { run: stored, created } = await this.#store.createRun(run, this.#clock.now(), control, audit);
      return this.#handle(stored.id, created);
    }
    const engine = workflow === undefined ? undefined : this.#engine;
    // An eager start runs at once: a run with this id must not exist.
    const exists = engine !== undefined && byId ? await this.#store.getRun(run.id) : undefined;
    if (exists !== undefined) return this.#existing(exists);
    const eager = workflow === undefined ? undefined : engine?.tryEagerStart(run, workflow, audit);
    // Starts arriving together are created in one transaction.
    const result = await (eager ?? this.#batcher.submit({ runId: run.id, leaseToken: '', create: run, ...(audit === undefined ? {} : { audit }) }));
    if (result.ok || !byId) return this.#handle(run.id, result.ok);
    return this.#existing((await this.#store.getRun(run.id)) ?? run);
  }

  /** A start found its id taken: the run it names, unless that run is another namespace's. */
  #existing(run: Pick<RunRecord, 'id'> & { namespace?: string }): RunHandle<unknown> {
    const namespace = this.#auditor.actor?.namespace;
    if (namespace !== undefined && (run.namespace ?? 'default') !== namespace) {
      throw new BatonError(ErrorCode.RunIdTaken, `The run id '${run.id}' is taken by a run of another namespace: start with another id.`, {
        retryable: false,
      });
    }
    return this.#handle(run.id, false);
  }

  #handle(id: string, created: boolean): RunHandle<unknown> {
    return { id, created, result: (options?: ResultOptions) => this.result(id, options) };
  }

  /**
   * Waits until the run ends and returns its output (following continueAsNew to the last run), or
   * throws its error: BATON_CANCELLED for a cancelled run, the run's own error for a failed one.
   */
  async result<O = unknown>(runId: string, options: ResultOptions = {}): Promise<O> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    const local = this.#store.capabilities.localNotifications;
    let id = runId;
    // Watch before reading, so an end that happens in between is not missed.
    let watch = this.#watch(id);
    try {
      // With local notices the polls are only a backstop (for runs ended by other processes).
      let delay = local ? 25 : 2;
      for (;;) {
        options.signal?.throwIfAborted();
        const run = await this.#store.getRun(id);
        if (run === undefined) throw runNotFound(id);
        if (run.status === 'completed' && run.continuedTo !== undefined) {
          watch.close();
          id = run.continuedTo;
          watch = this.#watch(id);
          continue;
        }
        if (isTerminalStatus(run.status)) {
          if (run.status === 'completed') return this.#codec.decode(run.output) as O;
          throw this.#runError(run);
        }
        if (deadline !== undefined && Date.now() >= deadline) {
          throw new BatonError(
            ErrorCode.Timeout,
            `Run ${id} did not end within ${options.timeoutMs} ms (it is ${run.status}). Wait longer or check its journal.`,
            { runId: id },
          );
        }
        await watch.wait(deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - Date.now())), options.signal);
        delay = Math.min(delay * 2, 250);
      }
    } finally {
      watch.close();
    }
  }

  /** Watches a run for the store's local "finished" notice; `wait` returns early once it came. */
  #watch(runId: string): { wait(ms: number, signal?: AbortSignal): Promise<void>; close(): void } {
    let fired = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      fired = true;
      wake?.();
    };
    if (this.#store.capabilities.localNotifications) {
      this.#unsubscribe ??= this.#store.subscribe((hint) => {
        if (hint.type !== 'finished') return;
        // '*' is a store's "some runs ended, look again" (too many to name one by one).
        const waiters = hint.runId === '*' ? [...this.#waiters.values()].flatMap((set) => [...set]) : [...(this.#waiters.get(hint.runId) ?? [])];
        for (const waiter of waiters) waiter();
      });
      let set = this.#waiters.get(runId);
      if (set === undefined) this.#waiters.set(runId, (set = new Set()));
      set.add(notify);
    }
    return {
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (fired || signal?.aborted === true) {
            fired = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, ms);
          signal?.addEventListener('abort', done, { once: true });
          function done(): void {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            wake = undefined;
            fired = false;
            resolve();
          }
          wake = done;
        }),
      close: () => {
        const set = this.#waiters.get(runId);
        set?.delete(notify);
        if (set?.size === 0) this.#waiters.delete(runId);
      },
    };
  }

  #runError(run: RunRecord): Error {
    const error = fromStoredError(
      this.#codec,
      run.error ?? (run.status === 'cancelled' ? { name: 'BatonError', code: ErrorCode.Cancelled, message: `Run ${run.id} was cancelled.` } : undefined),
    );
    if (isBatonError(error)) return error;
    return new BatonError(ErrorCode.WorkflowError, `Run ${run.id} of '${run.workflow}' ${run.status}: ${error.message}`, {
      runId: run.id,
      retryable: false,
      cause: error,
    });
  }

  /** Stops listening to the store (the client keeps working by polling). */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  async get(runId: string): Promise<RunInfo | undefined> {
    const run = await this.#visible(runId);
    return run === undefined ? undefined : this.#info(run);
  }

  async list(options: ListOptions = {}): Promise<{ runs: RunInfo[]; nextCursor?: string }> {
    const filter: RunFilter = { ...options } as RunFilter;
    const namespace = this.#auditor.actor?.namespace;
    if (namespace !== undefined) filter.namespace = namespace;
    for (const field of ['workflow', 'tag', 'search', 'parentId', 'cursor'] as const) assertStorableText(options[field], field);
    if (options.tag !== undefined && (typeof options.tag !== 'string' || options.tag.length === 0 || options.tag.length > 100)) {
      throw invalidArgument('tag must be 1-100 characters.');
    }
    if (options.search !== undefined && (typeof options.search !== 'string' || options.search.length === 0 || options.search.length > 200)) {
      throw invalidArgument('search must be 1-200 characters.');
    }
    if (options.createdAfter !== undefined) filter.createdAfter = toTime(options.createdAfter, 'createdAfter');
    if (options.createdBefore !== undefined) filter.createdBefore = toTime(options.createdBefore, 'createdBefore');
    for (const status of options.status === undefined ? [] : Array.isArray(options.status) ? options.status : [options.status]) {
      if (!(RUN_STATUSES as readonly unknown[]).includes(status)) {
        throw invalidArgument(`Unknown run status ${JSON.stringify(status)}: use one of ${RUN_STATUSES.join(', ')}.`);
      }
    }
    if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1 && options.limit <= 1000)) {
      throw invalidArgument(`limit must be a whole number from 1 to 1000, not ${String(options.limit)}.`);
    }
    const page = await this.#store.listRuns(filter);
    const out: { runs: RunInfo[]; nextCursor?: string } = { runs: page.runs.map((r) => this.#info(r)) };
    if (page.nextCursor !== undefined) out.nextCursor = page.nextCursor;
    return out;
  }

  async journal(runId: string): Promise<JournalEntryInfo[]> {
    const found = await this.inspect(runId);
    if (found === undefined) throw runNotFound(runId);
    return found.journal;
  }

  /** The run and its journal (one read of each), or undefined when there is no such run. */
  async inspect(runId: string): Promise<{ run: RunInfo; journal: JournalEntryInfo[] } | undefined> {
    const run = await this.#visible(runId);
    if (run === undefined) return undefined;
    const entries = await this.#store.getJournal(runId);
    return { run: this.#info(run), journal: entries.map((e) => this.#entryInfo(e)) };
  }

  #entryInfo(e: JournalEntry): JournalEntryInfo {
    const info: JournalEntryInfo = {
      seq: e.seq,
      kind: e.kind,
      name: e.name,
      status: e.status,
      attempts: e.attempts,
      startedAt: new Date(e.startedAt),
      endedAt: new Date(e.endedAt),
      durationMs: e.endedAt - e.startedAt,
    };
    if (e.input !== undefined) info.input = this.#safeDecode(e.input);
    if (e.output !== undefined) info.output = this.#safeDecode(e.output);
    if (e.error !== undefined) info.error = plainError(e.error, this.#codec);
    if (e.compensates !== undefined) info.compensates = e.compensates;
    return info;
  }

  /**
   * Sends a signal; it is kept until the run consumes it. When the run's workflow declares a schema
   * for this signal (`signals` in its options), data that does not match it throws
   * BATON_INVALID_SIGNAL (details.fields names each wrong field) and nothing is stored.
   */
  async signal(runId: string, name: string, data?: unknown): Promise<void> {
    if (typeof runId !== 'string' || runId.length === 0) throw invalidArgument('signal() needs the id of a run.');
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw invalidArgument('A signal needs a name of 1-200 characters.');
    assertStorableText(runId, 'run id');
    assertStorableText(name, 'signal name');
    if (name.startsWith('$')) throw invalidArgument(`Signal names starting with '$' are Baton's own (events arrive as them): '${name}' cannot be sent.`);
    const payload = this.#codec.encode(data, `signal '${name}' for run ${runId}`);
    await this.#auditor.run(
      'run.signal',
      runId,
      async (audit) => {
        const run = await this.#visible(runId);
        if (run === undefined) throw runNotFound(runId);
        // A finished run is refused by the store, whatever the data.
        if (!isTerminalStatus(run.status)) await this.#signals.check(run, name, data);
        await this.#store.sendSignal(runId, name, payload, this.#clock.now(), audit);
      },
      { signal: name },
    );
  }

  /** Stores an event (see `events.emit`): matching triggers start runs, matching waiting runs receive it. */
  emit(type: string, data?: unknown, options?: EmitOptions): Promise<EventInfo & { created: boolean }> {
    return this.events.emit(type, data, options);
  }

  /** Cancels a run: its running step is aborted, its waits end, its compensations run. */
  async cancel(runId: string, reason?: string): Promise<RunInfo> {
    assertStorableText(runId, 'run id');
    assertStorableText(reason, 'cancel reason');
    const error = new BatonError(ErrorCode.Cancelled, reason === undefined ? `Run ${runId} was cancelled.` : `Run ${runId} was cancelled: ${reason}`, {
      runId,
      retryable: false,
    });
    const reasonError = toStoredError(this.#codec, error);
    const run = await this.#auditor.run(
      'run.cancel',
      runId,
      async (audit) => {
        await this.#mustSee(runId);
        return this.#store.requestCancel(runId, this.#clock.now(), reasonError, audit);
      },
      reason === undefined ? undefined : { reason },
    );
    this.#engine?.notifyCancel(runId, run.cancelReason ?? reasonError);
    return this.#info(run);
  }

  /** Runs a failed run again from its failed step; completed steps are not run again. */
  async retry(runId: string): Promise<RunInfo> {
    return this.#requeue(runId, 'retry');
  }

  /** Continues a failed run with its journal as it is (after fixing a non-determinism, say). */
  async resume(runId: string): Promise<RunInfo> {
    return this.#requeue(runId, 'resume');
  }

  async #requeue(runId: string, mode: 'retry' | 'resume'): Promise<RunInfo> {
    assertStorableText(runId, 'run id');
    const run = await this.#auditor.run(`run.${mode}`, runId, async (audit) => {
      await this.#mustSee(runId);
      return this.#store.requeue(runId, mode, this.#clock.now(), audit);
    });
    return this.#info(run);
  }

  #safeDecode(text: string | undefined): unknown {
    try {
      return this.#codec.decode(text);
    } catch {
      return text;
    }
  }

  #info(run: RunRecord): RunInfo {
    const info: RunInfo = {
      id: run.id,
      workflow: run.workflow,
      version: run.version,
      status: run.status,
      input: this.#safeDecode(run.input),
      queue: run.queue,
      priority: run.priority,
      cancelRequested: run.cancelRequested,
      compensating: run.phase === 'compensating',
      claims: run.claims,
      namespace: run.namespace,
      tags: run.tags,
      createdAt: new Date(run.createdAt),
      updatedAt: new Date(run.updatedAt),
    };
    if (run.output !== undefined) info.output = this.#safeDecode(run.output);
    if (run.error !== undefined) info.error = plainError(run.error, this.#codec);
    if (run.progress !== undefined) info.progress = this.#safeDecode(run.progress);
    if (run.parentId !== undefined) info.parentId = run.parentId;
    if (run.parentSeq !== undefined) info.parentSeq = run.parentSeq;
    if (run.continuedFrom !== undefined) info.continuedFrom = run.continuedFrom;
    if (run.continuedTo !== undefined) info.continuedTo = run.continuedTo;
    if (run.compensationPlan !== undefined) info.compensationPlan = run.compensationPlan;
    if (run.wakeAt !== undefined && run.status === 'waiting') info.wakeAt = new Date(run.wakeAt);
    if (run.waits !== undefined && run.status === 'waiting') info.waitingFor = { signals: run.waits.signals, children: run.waits.children };
    if (run.startedAt !== undefined) info.startedAt = new Date(run.startedAt);
    if (run.endedAt !== undefined) info.endedAt = new Date(run.endedAt);
    return info;
  }
}

function plainError(e: StoredError, codec: PayloadCodec): RunError {
  const out: RunError = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  const cause = causeChain(fromStoredError(codec, e).cause, 0);
  if (cause !== undefined) out.cause = cause;
  return out;
}

function causeChain(error: unknown, depth: number): RunError | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const out: RunError = { name: String(e.name ?? 'Error'), message: String(e.message ?? '') };
  if (typeof e.code === 'string') out.code = e.code;
  const cause = causeChain(e.cause, depth + 1);
  if (cause !== undefined) out.cause = cause;
  return out;
}

const RUN_STATUSES = Object.values(RunStatus);

function toTime(value: Date | number, what: string): number {
  const time = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw invalidArgument(`${what} must be a Date or a time in ms, not ${String(value)}.`);
  return time;
}

/** Tags as given, once checked: at most 20, each 1-100 characters, no repeats. */
function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || tags.length > 20 || !tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 100)) {
    throw invalidArgument('tags must be a list of at most 20 strings of 1-100 characters.');
  }
  for (const tag of tags as string[]) assertStorableText(tag, 'tag');
  return [...new Set(tags as string[])];
}

function invalidArgument(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}
