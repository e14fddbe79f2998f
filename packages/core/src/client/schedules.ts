/** Schedules through the client: create, list, get, update, pause, resume, delete. */
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
import type { WorkflowRegistry } from '../engine/workflow-registry.js';

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

  constructor(store: Store, clock: Clock, codec: PayloadCodec, workflows: WorkflowRegistry, auditor: Auditor) {
    this.#store = store;
    this.#clock = clock;
    this.#codec = codec;
    this.#workflows = workflows;
    this.#auditor = auditor;
  }

  /** Creates a schedule; BATON_SCHEDULE_EXISTS when the id is taken. Its first tick is the first after now. */
  async create<I>(options: CreateScheduleOptions<I>): Promise<ScheduleInfo> {
    assertScheduleId(options?.id);
    const workflow = isWorkflow(options.workflow) ? options.workflow : this.#workflows.get(String(options.workflow));
    const name = isWorkflow(options.workflow) ? options.workflow.name : String(options.workflow);
    assertStorableText(name, 'workflow name');
    const resolved = resolveSchedule(options, `schedule '${options.id}'`);
    let input: unknown = resolved.input;
    const schema = workflow?.options.input;
    if (schema !== undefined) {
      input = validate(schema, input, { code: ErrorCode.InvalidInput, what: `input of schedule '${options.id}'`, advice: 'No schedule was created.' });
    }
    const now = this.#clock.now();
    const record: ScheduleRecord = {
      id: options.id,
      workflow: name,
      cron: resolved.cron,
      timezone: resolved.timezone,
      input: this.#codec.encode(input, `input of schedule '${options.id}'`),
      overlap: resolved.overlap,
      catchup: resolved.catchup,
      catchupLimit: resolved.catchupLimit,
      queue: workflow?.options.queue ?? 'default',
      priority: workflow?.options.priority ?? 0,
      paused: options.paused === true,
      source: 'api',
      createdAt: now,
      updatedAt: now,
    };
    const next = record.paused ? undefined : nextTick(record.cron, record.timezone, now);
    if (next !== undefined) record.nextAt = next;
    return this.#info(await this.#auditor.run('schedule.create', record.id, (audit) => this.#store.saveSchedule(record, 'create', audit), { workflow: name }));
  }

  /**
   * Changes a schedule made through a client (pattern, time zone, input, overlap and catch-up
   * policies). It stays paused or running as it was and keeps its last tick; with a new pattern or
   * time zone it next ticks at the first tick after now. A schedule declared in workflow code is
   * changed in the code (a deploy would undo a change made here): BATON_INVALID_ARGUMENT.
   */
  async update<I>(id: string, changes: UpdateScheduleOptions<I>): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    if (typeof changes !== 'object' || changes === null)
      throw new BatonError(ErrorCode.InvalidArgument, 'update() needs the changes to make.', { retryable: false });
    const updated = await this.#auditor.run(
      'schedule.update',
      id,
      async (audit) => {
        const current = await this.#store.getSchedule(id);
        if (current === undefined) throw scheduleNotFound(id);
        if (current.source === 'code') {
          throw new BatonError(
            ErrorCode.InvalidArgument,
            `Schedule '${id}' is declared in the code of workflow '${current.workflow}': change it there (a deploy would undo a change made here).`,
            { retryable: false },
          );
        }
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
      { changed: Object.keys(changes).sort() },
    );
    return this.#info(updated);
  }

  async get(id: string): Promise<ScheduleInfo | undefined> {
    assertStorableText(id, 'schedule id');
    const schedule = await this.#store.getSchedule(id);
    return schedule === undefined ? undefined : this.#info(schedule);
  }

  async list(): Promise<ScheduleInfo[]> {
    return (await this.#store.listSchedules()).map((s) => this.#info(s));
  }

  /** Stops the ticks until `resume`; a tick's run already started goes on. */
  async pause(id: string): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    return this.#info(await this.#auditor.run('schedule.pause', id, (audit) => this.#store.setSchedulePaused(id, true, undefined, this.#clock.now(), audit)));
  }

  /** Ticks again from the first after now (ticks that fell while paused do not fire). */
  async resume(id: string): Promise<ScheduleInfo> {
    assertStorableText(id, 'schedule id');
    const resumed = await this.#auditor.run('schedule.resume', id, async (audit) => {
      const schedule = await this.#store.getSchedule(id);
      if (schedule === undefined) throw scheduleNotFound(id);
      const now = this.#clock.now();
      return this.#store.setSchedulePaused(id, false, nextTick(schedule.cron, schedule.timezone, now), now, audit);
    });
    return this.#info(resumed);
  }

  /** Deletes a schedule (its runs are kept); BATON_SCHEDULE_NOT_FOUND when there is none. */
  async delete(id: string): Promise<void> {
    assertStorableText(id, 'schedule id');
    await this.#auditor.run('schedule.delete', id, async (audit) => {
      if (!(await this.#store.deleteSchedule(id, audit))) throw scheduleNotFound(id);
    });
  }

  #info(s: ScheduleRecord): ScheduleInfo {
    const info: ScheduleInfo = {
      id: s.id,
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
