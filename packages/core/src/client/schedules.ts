/** Schedules through the client: create, list, get, pause, resume, delete. */
import type { Auditor } from './auditor.js';
import { validate } from '../errors/validation.js';
import { ErrorCode } from '../errors/errors.js';
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

  async get(id: string): Promise<ScheduleInfo | undefined> {
    const schedule = await this.#store.getSchedule(id);
    return schedule === undefined ? undefined : this.#info(schedule);
  }

  async list(): Promise<ScheduleInfo[]> {
    return (await this.#store.listSchedules()).map((s) => this.#info(s));
  }

  /** Stops the ticks until `resume`; a tick's run already started goes on. */
  async pause(id: string): Promise<ScheduleInfo> {
    return this.#info(await this.#auditor.run('schedule.pause', id, (audit) => this.#store.setSchedulePaused(id, true, undefined, this.#clock.now(), audit)));
  }

  /** Ticks again from the first after now (ticks that fell while paused do not fire). */
  async resume(id: string): Promise<ScheduleInfo> {
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
