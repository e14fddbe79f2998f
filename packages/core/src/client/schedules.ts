/**
 * Schedules through the client: create, list, get, update, pause, resume, delete. A client acting in
 * a namespace sees and changes only that namespace's schedules (another's is not found) and creates
 * them there; one without a namespace sees every namespace's and creates them in 'default'.
 */
import type { Auditor } from './auditor.js';
import { validate } from '../errors/validation.js';
import { assertStorableText } from '../util/text.js';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { assertScheduleId, nextTick, resolveSchedule, type ScheduleOptions, type ScheduleRecord } from '../schedule/schedule.js';
import { scheduleNotFound } from '../store/sql-rows.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { isWorkflow, type Workflow } from '../workflow/workflow.js';
import { scheduleOrigin, type StartedRun } from '../store/started-runs.js';
import { runScheduleNow, type RunNowResult } from './schedule-run-now.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';
import type { AuditEntry } from '../store/activity.js';
import type { KnownWorkflows } from './known-workflows.js';

export interface CreateScheduleOptions<I = unknown> extends ScheduleOptions<I> {
  id: string;
  /** A workflow (its input schema checks `input` now) or the name of one. */
  workflow: Workflow<I, unknown> | string;
  /** Create it paused (no ticks until `resume`). */
  paused?: boolean;
}

/** What `update` may change; what it leaves out stays as it is. */
export type UpdateScheduleOptions<I = unknown> = Partial<ScheduleOptions<I>>;

/** A schedule as clients see it: input decoded, times as Dates. */
export interface ScheduleInfo {
  id: string;
  /** The namespace it belongs to (its runs start there). */
  namespace: string;
  workflow: string;
  cron: string;
  timezone: string;
  input: unknown;
  overlap: ScheduleRecord['overlap'];
  catchup: ScheduleRecord['catchup'];
  catchupLimit: number;
  paused: boolean;
  source: ScheduleRecord['source'];
  nextAt?: Date;
  lastTickAt?: Date;
  lastRunId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export class Schedules {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #codec: PayloadCodec;
  readonly #workflows: WorkflowRegistry;
  readonly #auditor: Auditor;
  readonly #known: KnownWorkflows;

  constructor(store: Store, clock: Clock, codec: PayloadCodec, workflows: WorkflowRegistry, auditor: Auditor, known: KnownWorkflows) {
    this.#store = store;
    this.#clock = clock;
    this.#codec = codec;
    this.#workflows = workflows;
    this.#auditor = auditor;
    this.#known = known;
  }

  /**
   * Creates a schedule; BATON_SCHEDULE_EXISTS when the id is taken, BATON_WORKFLOW_NOT_FOUND when
   * neither this process nor the store's workflow catalog knows the workflow. Its first tick is the
   * first after now. A refused creation is audited too.
   */
  async create<I>(options: CreateScheduleOptions<I>): Promise<ScheduleInfo> {
    const name = isWorkflow(options?.workflow) ? options.workflow.name : String(options?.workflow);
    // Checked before the audit entry that names them is written.
    if (typeof options?.id === 'string') assertStorableText(options.id, 'schedule id');
    assertStorableText(name, 'workflow name');
    const target = typeof options?.id === 'string' ? options.id.slice(0, 200) : '';
    const created = await this.#auditor.run('schedule.create', target, (audit) => this.#create(options, name, audit), { workflow: name.slice(0, 200) });
    return this.#info(created);
  }

  async #create<I>(options: CreateScheduleOptions<I>, name: string, audit: AuditEntry | undefined): Promise<ScheduleRecord> {
    assertScheduleId(options?.id);
    if (!isWorkflow(options.workflow) && (typeof options.workflow !== 'string' || options.workflow.length === 0))
      throw new BatonError(ErrorCode.InvalidArgument, `Schedule '${options.id}' needs a workflow or a workflow name.`, { retryable: false });
    assertStorableText(name, 'workflow name');
    const workflow = isWorkflow(options.workflow) ? options.workflow : this.#workflows.get(name);
    const cataloged = workflow === undefined ? await this.#known.require(name, 'No schedule was created.') : undefined;
    const resolved = resolveSchedule(options, `schedule '${options.id}'`);
    let input: unknown = resolved.input;
    const schema = workflow?.options.input;
    if (schema !== undefined) {
      input = validate(schema, input, { code: ErrorCode.InvalidInput, what: `input of schedule '${options.id}'`, advice: 'No schedule was created.' });
    }
    const now = this.#clock.now();
    const record: ScheduleRecord = {
      id: options.id,
      namespace: this.#namespace ?? 'default',
      workflow: name,
      cron: resolved.cron,
      timezone: resolved.timezone,
      input: this.#codec.encode(input, `input of schedule '${options.id}'`),
      overlap: resolved.overlap,
      catchup: resolved.catchup,
      catchupLimit: resolved.catchupLimit,
      queue: workflow?.options.queue ?? cataloged?.queue ?? 'default',
      priority: workflow?.options.priority ?? 0,
      paused: options.paused === true,
      source: 'api',
      createdAt: now,
      updatedAt: now,
    };
    const next = record.paused ? undefined : nextTick(record.cron, record.timezone, now);
    if (next !== undefined) record.nextAt = next;
    // Ids are unique across namespaces: the store says when another namespace holds this one.
    return this.#store.saveSchedule(record, 'create', audit);
  }

  /** The namespace this client acts in (undefined: every namespace). */
  get #namespace(): string | undefined {
    return this.#auditor.actor?.namespace;
  }

  /**
   * Changes a schedule made through a client (pattern, time zone, input, overlap and catch-up
   * policies). It stays paused or running as it was and keeps its last tick; with a new pattern or
   * time zone it next ticks at the first tick after now. A schedule declared in workflow code is
   * changed in the code (a deploy would undo a change made here): BATON_INVALID_ARGUMENT. A schedule
   * of a workflow no worker has registered (BATON_WORKFLOW_NOT_FOUND) would never start a run: it is
   * not changed (delete it). A refused change is audited too.
   */
  async update<I>(id: string, changes: UpdateScheduleOptions<I>): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    const updated = await this.#auditor.run(
      'schedule.update',
      id,
      async (audit) => {
        if (typeof changes !== 'object' || changes === null)
          throw new BatonError(ErrorCode.InvalidArgument, 'update() needs the changes to make.', { retryable: false });
        const current = await this.#store.getSchedule(id, this.#namespace);
        if (current === undefined) throw scheduleNotFound(id);
        if (current.source === 'code') {
          throw new BatonError(
            ErrorCode.InvalidArgument,
            `Schedule '${id}' is declared in the code of workflow '${current.workflow}': change it there (a deploy would undo a change made here).`,
            { retryable: false },
          );
        }
        if (this.#workflows.get(current.workflow) === undefined) await this.#known.require(current.workflow, 'The schedule was not changed; delete it.');
        const resolved = resolveSchedule(
          {
            cron: changes.cron ?? current.cron,
            timezone: changes.timezone ?? current.timezone,
            overlap: changes.overlap ?? current.overlap,
            catchup: changes.catchup ?? current.catchup,
            catchupLimit: changes.catchupLimit ?? current.catchupLimit,
            input: 'input' in changes ? changes.input : (this.#codec.decode(current.input) as I),
          },
          `schedule '${id}'`,
        );
        let input: unknown = resolved.input;
        const schema = this.#workflows.get(current.workflow)?.options.input;
        if (schema !== undefined && 'input' in changes) {
          input = validate(schema, input, { code: ErrorCode.InvalidInput, what: `input of schedule '${id}'`, advice: 'The schedule was not changed.' });
        }
        const now = this.#clock.now();
        const record: ScheduleRecord = {
          ...current,
          cron: resolved.cron,
          timezone: resolved.timezone,
          input: 'input' in changes ? this.#codec.encode(input, `input of schedule '${id}'`) : current.input,
          overlap: resolved.overlap,
          catchup: resolved.catchup,
          catchupLimit: resolved.catchupLimit,
          updatedAt: now,
        };
        delete record.nextAt;
        // The store keeps the next tick unless the pattern or time zone changed; then it takes this one.
        const next = nextTick(record.cron, record.timezone, now);
        if (next !== undefined) record.nextAt = next;
        return this.#store.saveSchedule(record, 'upsert', audit);
      },
      { changed: typeof changes === 'object' && changes !== null ? Object.keys(changes).sort() : [] },
    );
    return this.#info(updated);
  }

  async get(id: string): Promise<ScheduleInfo | undefined> {
    assertStorableText(id, 'schedule id');
    const schedule = await this.#store.getSchedule(id, this.#namespace);
    return schedule === undefined ? undefined : this.#info(schedule);
  }

  async list(): Promise<ScheduleInfo[]> {
    return (await this.#store.listSchedules(this.#namespace)).map((s) => this.#info(s));
  }

  /** Stops the ticks until `resume`; a tick's run already started goes on. */
  async pause(id: string): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    return this.#info(
      await this.#auditor.run('schedule.pause', id, (audit) => this.#store.setSchedulePaused(id, true, undefined, this.#clock.now(), audit, this.#namespace)),
    );
  }

  /** Ticks again from the first after now (ticks that fell while paused do not fire). */
  async resume(id: string): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    const resumed = await this.#auditor.run('schedule.resume', id, async (audit) => {
      const schedule = await this.#store.getSchedule(id, this.#namespace);
      if (schedule === undefined) throw scheduleNotFound(id);
      const now = this.#clock.now();
      return this.#store.setSchedulePaused(id, false, nextTick(schedule.cron, schedule.timezone, now), now, audit, this.#namespace);
    });
    return this.#info(resumed);
  }

  /** Deletes a schedule (its runs are kept); BATON_SCHEDULE_NOT_FOUND when there is none. */
  async delete(id: string): Promise<void> {
    assertStorableText(id, 'schedule id');
    await this.#auditor.run('schedule.delete', id, async (audit) => {
      if (!(await this.#store.deleteSchedule(id, audit, this.#namespace))) throw scheduleNotFound(id);
    });
  }

  /**
   * Starts the schedule's run now, as a tick would, within its overlap policy (see
   * schedule-run-now.ts): BATON_SCHEDULE_BUSY when the policy refuses another run now,
   * BATON_SCHEDULE_PAUSED for a paused schedule. Audited as 'schedule.run'.
   */
  async runNow(id: string): Promise<RunNowResult> {
    const deps = { store: this.#store, clock: this.#clock, workflows: this.#workflows, codec: this.#codec, namespace: this.#namespace };
    return this.#auditor.run('schedule.run', id, () => runScheduleNow(deps, id, (runId) => this.#auditor.entry('schedule.run', id, { runId })));
  }

  /** The runs the schedule started (its ticks and runs now), newest first, with their status now. */
  async history(id: string, limit = 50): Promise<StartedRun[]> {
    const namespace = this.#namespace;
    if (namespace !== undefined && (await this.#store.getSchedule(id, namespace)) === undefined) return [];
    return this.#store.listStartedRuns({ origins: [scheduleOrigin(id)], limit, ...(namespace === undefined ? {} : { namespace }) });
  }

  #info(s: ScheduleRecord): ScheduleInfo {
    const info: ScheduleInfo = {
      id: s.id,
      namespace: s.namespace,
      workflow: s.workflow,
      cron: s.cron,
      timezone: s.timezone,
      input: this.#codec.decode(s.input),
      overlap: s.overlap,
      catchup: s.catchup,
      catchupLimit: s.catchupLimit,
      paused: s.paused,
      source: s.source,
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
    };
    if (s.nextAt !== undefined) info.nextAt = new Date(s.nextAt);
    if (s.lastTickAt !== undefined) info.lastTickAt = new Date(s.lastTickAt);
    if (s.lastRunId !== undefined) info.lastRunId = s.lastRunId;
    return info;
  }
}
