/**
 * The client: starts runs and reads, signals, cancels, retries and resumes them. It needs only a
 * store, so any process can drive runs that workers elsewhere execute. `engine.client` also starts
 * runs eagerly on its own engine.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { validate } from '../errors/validation.js';
import { runNotFound } from '../store/store-rules.js';
import { CatalogKind } from '../store/workflow-catalog.js';
import { definitionWorkflowNameIn } from '../store/definition-store.js';
import { type PayloadCodec, defaultPayloadCodec } from '../payload/payload-codec.js';
import { blobIdsIn } from '../blob/blobs.js';
import { blobNotFound } from '../blob/blob-source.js';
import { isTerminalStatus, type JournalEntry, type NewRun, type RunRecord, type StoredError } from '../store/records.js';
import type { Store, WriteResult } from '../store/store.js';
import { systemClock, type Clock } from '../time/clock.js';
import { uuidv7, isValidRunId } from '../util/ids.js';
import { assertStorableText } from '../util/text.js';
import type { AnyWorkflow, Workflow } from '../workflow/workflow.js';
import { isWorkflow } from '../workflow/workflow.js';
import { assertQueueName, runLimits, startControl } from '../workflow/flow.js';
import { toStoredError } from '../engine/stored-errors.js';
import { WorkflowRegistry, type WorkflowList } from '../engine/workflow-registry.js';
import { WriteBatcher } from '../engine/write-batcher.js';
import { Schedules } from './schedules.js';
import { Events, type EmitOptions, type EventInfo } from './events.js';
import { Auditor, type Actor } from './auditor.js';
import { Reviews } from './reviews.js';
import { Inbox } from './inbox.js';
import { Replays } from './replays.js';
import { Quotas, startWithinQuota } from './quotas.js';
import { KnownWorkflows } from './known-workflows.js';
import { SignalCheck, type JsonSchemaValidator } from './signal-check.js';
import { checkTags, invalidArgument, listFilter, type ListOptions } from './run-arguments.js';
import { journalEntryInfo, runInfo, type JournalEntryInfo, type RunInfo } from './run-info.js';
import { RunResults, type ResultOptions } from './run-result.js';
import type { AuditEntry } from '../store/activity.js';
import { migrateRuns, type MigrateOptions, type MigrationResult } from './run-migration.js';

export type { ListOptions } from './run-arguments.js';
export type { JournalEntryInfo, RunError, RunInfo } from './run-info.js';
export type { ResultOptions } from './run-result.js';
export type { MigrateFilter, MigrateOptions, MigrationResult } from './run-migration.js';

/** What the client needs of a local engine for eager starts. */
interface EagerEngine {
  tryEagerStart(run: NewRun, workflow: AnyWorkflow, audit?: AuditEntry): Promise<WriteResult> | undefined;
  notifyCancel(runId: string, reason?: StoredError): void;
  /** True while the run executes in this engine (it will end here or be given back). */
  isExecuting(runId: string): boolean;
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
  /** @internal the result waiters of this client and the clients made from it with `as`. */
  results?: RunResults;
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

export class Client {
  /** Cron schedules: create, list, get, pause, resume, delete. */
  readonly schedules: Schedules;
  /** The event log: emit (plain or CloudEvents) and list. */
  readonly events: Events;
  /** Runs waiting for a person's signal, and who handles each (claim, release). */
  readonly inbox: Inbox;
  /** Replay checks: reports of what replaying runs against candidate code found, and each run's latest results. */
  readonly replays: Replays;
  /** Per-namespace quotas: set, get, list, remove (changes audited). */
  readonly quotas: Quotas;
  /** Failed runs awaiting review (mark resolved) and namespaces' failure workflows. */
  readonly reviews: Reviews;
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
  readonly #results: RunResults;

  constructor(options: ClientOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#codec = options.codec ?? defaultPayloadCodec;
    this.#workflows = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows);
    this.#engine = options.engine;
    this.#batcher = options.batcher ?? new WriteBatcher(this.#store, this.#clock);
    this.#known = options.known ?? new KnownWorkflows(this.#store, this.#workflows, this.#clock);
    const engine = this.#engine;
    this.#results =
      options.results ??
      new RunResults({ store: this.#store, codec: this.#codec, ...(engine === undefined ? {} : { executingHere: (runId) => engine.isExecuting(runId) }) });
    this.#options = { ...options, workflows: this.#workflows, batcher: this.#batcher, known: this.#known, results: this.#results };
    this.#auditor = new Auditor(this.#store, this.#clock, options.actor);
    this.#signals = new SignalCheck(this.#store, this.#workflows, this.#clock, options.jsonSchemaValidator);
    this.schedules = new Schedules(this.#store, this.#clock, this.#codec, this.#workflows, this.#auditor, this.#known);
    this.events = new Events(this.#store, this.#clock, this.#codec, this.#auditor);
    this.inbox = new Inbox(this.#store, this.#clock, this.#auditor, (run) => this.#info(run));
    this.replays = new Replays(this.#store, this.#clock, this.#auditor, async (runId) => (await this.#visible(runId)) !== undefined);
    this.quotas = new Quotas(this.#store, this.#clock, this.#auditor);
    this.reviews = new Reviews(this.#store, this.#clock, this.#auditor, (runId) => this.#visible(runId));
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
    name = await this.#visibleName(name, isWorkflow(workflowOrName));
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
    const payload = this.#codec.encode(value, `input of workflow '${name}'`, { runId, namespace: this.#auditor.actor?.namespace ?? 'default' });
    if (this.#codec.blobs !== undefined) {
      // Blobs uploaded before the run (handles in its input) now belong to it; a spilled input is written.
      const uploaded = blobIdsIn(value);
      if (uploaded.length > 0) {
        // A run may take only its namespace's blobs, and none another run owns.
        const namespace = this.#auditor.actor?.namespace;
        for (const id of uploaded) {
          const info = await this.#codec.blobs.stat(id);
          if (info === undefined || (namespace !== undefined && info.namespace !== namespace) || (info.runId !== undefined && info.runId !== runId)) {
            throw blobNotFound(id);
          }
        }
        await this.#codec.blobs.attach(uploaded, runId);
      }
      await this.#codec.settle();
    }
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
      ...(workflow === undefined ? {} : runLimits(name, workflow.options, value, this.#auditor.actor?.namespace)),
    };
    const namespace = this.#auditor.actor?.namespace;
    if (namespace !== undefined) run.namespace = namespace;
    if (options.tags !== undefined) run.tags = checkTags(options.tags);
    const control = workflow === undefined ? undefined : startControl(name, workflow.options, value, namespace);
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
    // A start for someone (the API, the CLI) keeps its namespace's quotas, counted in the start's transaction.
    if (this.#auditor.actor !== undefined) {
      const quoted = await startWithinQuota(this.#store, run, this.#clock.now(), audit);
      if (quoted !== undefined) return quoted.created ? this.#handle(run.id, true) : this.#existing(quoted.run);
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

  /**
   * The workflow a start acting in a namespace names. A deployed definition belongs to one tenant
   * namespace: a client acting for another does not find it, and the document's own name
   * (`shop.order`) finds the namespace's own definition (`team-a:shop.order`) when it has one.
   */
  async #visibleName(name: string, byWorkflow: boolean): Promise<string> {
    const namespace = this.#auditor.actor?.namespace;
    if (namespace === undefined) return name;
    const owner = await this.#store.getDefinitionNamespace(name);
    if (owner === namespace) return name;
    const qualified = byWorkflow ? undefined : definitionWorkflowNameIn(namespace, name);
    if (qualified !== undefined && qualified !== name && (await this.#store.getDefinitionNamespace(qualified)) === namespace) return qualified;
    if (owner === undefined) return name;
    throw new BatonError(
      ErrorCode.WorkflowNotFound,
      `No workflow named '${name.slice(0, 200)}' is known in namespace '${namespace}': GET /api/definitions lists this namespace's definitions. No run was created.`,
      { retryable: false, details: { workflow: name } },
    );
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
    return this.#results.result<O>(runId, options);
  }

  /** Stops listening to the store (the client keeps working by polling). */
  close(): void {
    this.#results.close();
  }

  async get(runId: string): Promise<RunInfo | undefined> {
    const run = await this.#visible(runId);
    return run === undefined ? undefined : this.#info(run);
  }

  async list(options: ListOptions = {}): Promise<{ runs: RunInfo[]; nextCursor?: string }> {
    const page = await this.#store.listRuns(listFilter(options, this.#auditor.actor?.namespace));
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

  /**
   * The run's record and journal exactly as stored (payloads encoded), for a replay check; undefined
   * when there is no such run in this client's namespace.
   */
  async history(runId: string): Promise<{ run: RunRecord; journal: JournalEntry[] } | undefined> {
    const run = await this.#visible(runId);
    if (run === undefined) return undefined;
    return { run, journal: await this.#store.getJournal(runId) };
  }

  #entryInfo(e: JournalEntry): JournalEntryInfo {
    return journalEntryInfo(e, this.#codec);
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
    const payload = this.#codec.encode(data, `signal '${name}' for run ${runId}`, { runId, namespace: this.#auditor.actor?.namespace ?? 'default' });
    await this.#codec.settle();
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

  /**
   * Moves runs in flight from one version of a workflow to another whose code this client has. Each
   * run's journal is replayed against the new code first (nothing runs, nothing is written); a run
   * that replays moves at its suspension point, atomically and audited, and its next execution runs
   * the new code from where it stopped. A run that does not replay is listed with its divergence
   * and left untouched; a running one is skipped (try again when it suspends). With `dryRun`,
   * nothing moves. Throws BATON_WORKFLOW_VERSION_NOT_LOADED without the new version's code.
   */
  async migrate(options: MigrateOptions): Promise<MigrationResult> {
    return migrateRuns({ store: this.#store, clock: this.#clock, codec: this.#codec, workflows: this.#workflows, auditor: this.#auditor }, options);
  }

  #info(run: RunRecord): RunInfo {
    return runInfo(run, this.#codec);
  }
}
