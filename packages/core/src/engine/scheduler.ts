/**
 * The engine's scheduler: stores the schedules its workflows declare, and fires due ticks of every
 * schedule in the store. Any number of engines may run it at once: a firing moves the schedule on
 * only from the tick it read (the store refuses a stale one), and a tick's run id is derived from
 * the tick, so each tick starts one run at most.
 */
import { BatonError, ErrorCode, isBatonError } from '../errors/errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import { planTicks, nextTick, tickRunId, resolveSchedule, type ScheduleRecord } from '../schedule/schedule.js';
import { isTerminalStatus, type NewRun } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { runLimits } from '../workflow/flow.js';
import { workflowSchedules, workflowTriggers } from '../workflow/workflow.js';
import type { AnyWorkflow } from '../workflow/workflow-context.js';
import type { EventTriggerRecord } from '../events/events.js';
import type { Logger } from './logger.js';
import type { WorkflowRegistry } from './workflow-registry.js';

/** Due schedules handled per pass. */
const BATCH = 50;

export class Scheduler {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #codec: PayloadCodec;
  readonly #workflows: WorkflowRegistry;
  readonly #logger: Logger;
  /** The namespace of the schedules and triggers the loaded workflows declare. */
  readonly #namespace: string;
  #timer: { at: number; handle: TimerHandle } | undefined;
  #running = false;
  #firing = false;
  #again = false;

  constructor(store: Store, clock: Clock, codec: PayloadCodec, workflows: WorkflowRegistry, logger: Logger, namespace: string) {
    this.#store = store;
    this.#clock = clock;
    this.#codec = codec;
    this.#workflows = workflows;
    this.#logger = logger;
    this.#namespace = namespace;
  }

  /** The loaded workflows by the namespace their own schedules and triggers live in (theirs, else this engine's). */
  #byNamespace(): Map<string, AnyWorkflow[]> {
    const groups = new Map<string, AnyWorkflow[]>();
    for (const workflow of this.#workflows.current()) {
      const namespace = workflow.options.namespace ?? this.#namespace;
      const group = groups.get(namespace);
      if (group === undefined) groups.set(namespace, [workflow]);
      else group.push(workflow);
    }
    return groups;
  }

  /**
   * Stores the schedules the loaded workflows declare in each one's namespace, and drops that
   * namespace's code schedules they no longer declare.
   */
  async syncCodeSchedules(): Promise<void> {
    const now = this.#clock.now();
    for (const [namespace, workflows] of this.#byNamespace()) {
      const keep: string[] = [];
      for (const workflow of workflows) {
        for (const { id, schedule } of workflowSchedules(workflow.options)) {
          await this.#saveCodeSchedule(namespace, workflow, id, schedule, now);
          keep.push(id);
        }
      }
      await this.#store.pruneCodeSchedules(
        namespace,
        workflows.map((w) => w.name),
        keep,
      );
    }
  }

  async #saveCodeSchedule(namespace: string, workflow: AnyWorkflow, id: string, schedule: Parameters<typeof resolveSchedule>[0], now: number): Promise<void> {
    const resolved = resolveSchedule(schedule, `schedule '${id}' of workflow '${workflow.name}'`);
    const record: ScheduleRecord = {
      id,
      namespace,
      workflow: workflow.name,
      cron: resolved.cron,
      timezone: resolved.timezone,
      input: this.#codec.encode(resolved.input, `input of schedule '${id}'`),
      overlap: resolved.overlap,
      catchup: resolved.catchup,
      catchupLimit: resolved.catchupLimit,
      queue: workflow.options.queue ?? 'default',
      priority: workflow.options.priority ?? 0,
      paused: false,
      source: 'code',
      createdAt: now,
      updatedAt: now,
    };
    const next = nextTick(resolved.cron, resolved.timezone, now);
    if (next !== undefined) record.nextAt = next;
    try {
      await this.#store.saveSchedule(record, 'upsert');
    } catch (error) {
      if (!isBatonError(error) || error.code !== ErrorCode.ScheduleExists) throw error;
      throw new BatonError(
        ErrorCode.ScheduleExists,
        `Schedule '${id}' of workflow '${workflow.name}' cannot be stored in namespace '${namespace}': another namespace has a schedule with this id (schedule ids are unique across namespaces). Give the schedule an id of its own ({ id }).`,
        { retryable: false, cause: error },
      );
    }
  }

  /** Stores the event triggers the loaded workflows declare in each one's namespace (replacing those they declared there before). */
  async syncTriggers(): Promise<void> {
    for (const [namespace, workflows] of this.#byNamespace()) {
      const triggers: EventTriggerRecord[] = workflows.flatMap((workflow) =>
        workflowTriggers(workflow.options).map((t) => ({
          namespace,
          workflow: workflow.name,
          type: t.event,
          ...(t.match === undefined ? {} : { match: t.match }),
          input: t.input ?? 'event',
          queue: workflow.options.queue ?? 'default',
          priority: workflow.options.priority ?? 0,
        })),
      );
      await this.#store.saveTriggers(
        namespace,
        workflows.map((w) => w.name),
        triggers,
      );
    }
  }

  start(): void {
    this.#running = true;
    this.poke();
  }

  stop(): void {
    this.#running = false;
    this.#timer?.handle.cancel();
    this.#timer = undefined;
  }

  /** A pass over due schedule ticks is under way (it may start runs). */
  get busy(): boolean {
    return this.#firing;
  }

  /** Looks for due ticks now (and then arms the timer for the next one). */
  poke(): void {
    if (!this.#running) return;
    void this.#fire();
  }

  async #fire(): Promise<void> {
    if (this.#firing) {
      this.#again = true;
      return;
    }
    this.#firing = true;
    try {
      for (;;) {
        const due = await this.#store.dueSchedules(this.#clock.now(), BATCH);
        for (const schedule of due) await this.#fireOne(schedule);
        if (due.length < BATCH) break;
      }
      const next = await this.#store.nextScheduleAt();
      if (next !== undefined) this.#arm(next);
    } catch (error) {
      this.#logger.warn({ err: error }, 'firing schedules failed; trying again at the next poll');
    } finally {
      this.#firing = false;
      if (this.#again) {
        this.#again = false;
        this.poke();
      }
    }
  }

  async #fireOne(schedule: ScheduleRecord): Promise<void> {
    if (schedule.nextAt === undefined) return;
    const now = this.#clock.now();
    const plan = planTicks(schedule, now);
    let ticks = plan.ticks;
    const holds: { runId: string; after: string }[] = [];
    const runs: NewRun[] = [];
    if (schedule.overlap === 'allow') {
      runs.push(...ticks.map((tick) => this.#runFor(schedule, tick)));
    } else if (ticks.length > 0) {
      // One run at a time: a tick's run never overlaps the schedule's previous run.
      const last = schedule.lastRunId === undefined ? undefined : await this.#store.getRun(schedule.lastRunId);
      const active = last !== undefined && !isTerminalStatus(last.status);
      const buffered = active && last.status === 'queued' && last.claims === 0;
      if (schedule.overlap === 'skip' && active) ticks = [];
      else if (schedule.overlap === 'buffer' && buffered) ticks = [];
      else if (schedule.overlap === 'buffer') ticks = ticks.slice(-1);
      // Each run waits for the one before it: the previous firing's, then this firing's in tick order (a backfill).
      let after = active ? last.id : undefined;
      for (const tick of ticks) {
        const run = this.#runFor(schedule, tick);
        if (after !== undefined) holds.push({ runId: run.id, after });
        runs.push(run);
        after = run.id;
      }
    }
    const fired = await this.#store.fireSchedule(
      {
        id: schedule.id,
        expectedNextAt: schedule.nextAt,
        nextAt: plan.nextAt,
        lastTickAt: plan.ticks[plan.ticks.length - 1] ?? schedule.nextAt,
        ...(runs.length === 0 ? {} : { lastRunId: runs[runs.length - 1]!.id }),
        runs,
        holds,
      },
      now,
    );
    if (fired && plan.ticks.length > ticks.length) {
      this.#logger.info({ schedule: schedule.id, due: plan.ticks.length, started: ticks.length }, 'schedule ticks skipped (overlap policy)');
    }
  }

  #runFor(schedule: ScheduleRecord, tick: number): NewRun {
    const { run, limitError } = tickRun(schedule, tick, this.#workflows, this.#codec);
    if (limitError !== undefined)
      this.#logger.warn({ schedule: schedule.id, err: limitError }, 'the schedule input gives no limit key; the run starts without its limits');
    return run;
  }

  #arm(at: number): void {
    if (!this.#running) return;
    if (this.#timer !== undefined && this.#timer.at <= at) return;
    this.#timer?.handle.cancel();
    const handle = this.#clock.setTimer(Math.max(0, at - this.#clock.now()), () => {
      this.#timer = undefined;
      this.poke();
    });
    this.#timer = { at, handle };
  }
}

/**
 * The run a schedule starts for `tick`: its id derived from the tick (one run per tick on every
 * engine), with the limits its workflow declares when this process knows the workflow. A limit key
 * the input cannot give is reported as `limitError`, and the run starts without its limits.
 */
export function tickRun(schedule: ScheduleRecord, tick: number, workflows: WorkflowRegistry, codec: PayloadCodec): { run: NewRun; limitError?: unknown } {
  const run: NewRun = {
    id: tickRunId(schedule.id, tick),
    namespace: schedule.namespace,
    workflow: schedule.workflow,
    // The worker that claims it pins the version it runs as current.
    version: '',
    input: schedule.input,
    queue: schedule.queue,
    priority: schedule.priority,
  };
  const workflow = workflows.get(schedule.workflow);
  if (workflow === undefined) return { run };
  try {
    Object.assign(run, runLimits(workflow.name, workflow.options, codec.decode(schedule.input), schedule.namespace));
    return { run };
  } catch (error) {
    return { run, limitError: error };
  }
}
