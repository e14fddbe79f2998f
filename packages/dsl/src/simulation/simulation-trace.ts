/**
 * The path of a simulated run, as the interpreter's hooks report it: every task in the order it
 * started, with how it ended. The path starts over whenever the workflow function does (a replay
 * goes through the same tasks again), so it is the final execution's. The bounds live here too: a
 * task that would start past `maxTasks`, or after the deadline, stops the run with an engine error
 * (BATON_SIMULATION_STOPPED) that no `try` catches.
 */
import { TerminalError } from '@baton/core';
import { faultOf } from '../runtime/faults.js';
import { StandardError, type WorkflowErrorObject } from '../runtime/workflow-fault.js';
import type { TaskExecutor, TaskSite, ObservedTaskEnd, SimulationHooks } from '../tasks/executor.js';
import type { AnswerSource, SimulatedTask } from './simulation-types.js';

/** The code of the error that stops a simulated run at a bound; its `details.error` says which. */
export const SIMULATION_STOPPED = 'BATON_SIMULATION_STOPPED';

export interface SimulationBounds {
  readonly maxTasks: number;
  /** `performance.now()` past which no task starts. */
  readonly deadline: number;
  readonly timeoutMs: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class SimulationTrace implements SimulationHooks {
  readonly skipDelays = true;
  readonly #bounds: SimulationBounds;
  #path: Mutable<SimulatedTask>[] = [];
  /** The current execution's tasks in flight, by token. */
  #open = new Map<number, Mutable<SimulatedTask>>();
  #tokens = 0;
  #started = 0;
  /** Nesting depth by task pointer (the same in every iteration and execution). */
  readonly #depths = new Map<string, number>();

  constructor(
    readonly executors: ReadonlyMap<string, TaskExecutor>,
    bounds: SimulationBounds,
  ) {
    this.#bounds = bounds;
  }

  runStarted(): void {
    this.#path = [];
    this.#open = new Map();
    this.#started = 0;
  }

  taskStarted(site: TaskSite, kind: string): number {
    if (++this.#started > this.#bounds.maxTasks) {
      throw stopped(
        'Task limit reached',
        `The simulation stopped before ${site.reference}: it had run ${this.#bounds.maxTasks} tasks (maxTasks). A loop that never ends? Raise maxTasks if the workflow really runs this many.`,
        site.reference,
      );
    }
    if (performance.now() > this.#bounds.deadline) {
      throw stopped(
        'Time limit reached',
        `The simulation stopped before ${site.reference}: it had run for ${this.#bounds.timeoutMs} ms (timeoutMs).`,
        site.reference,
      );
    }
    const entry: Mutable<SimulatedTask> = {
      reference: site.reference,
      name: site.name,
      kind,
      depth: this.#depthOf(site.reference),
      qualifier: site.qualifier,
      status: 'completed',
    };
    this.#path.push(entry);
    const token = ++this.#tokens;
    this.#open.set(token, entry);
    return token;
  }

  taskEnded(token: number, end: ObservedTaskEnd): void {
    const entry = this.#open.get(token);
    // A task of an execution that a replay has replaced: its path is gone already.
    if (entry === undefined) return;
    this.#open.delete(token);
    entry.status = end.status;
    if (end.status === 'faulted') {
      entry.error = errorObjectOf(end.error, entry.reference);
      return;
    }
    entry.output = end.flow.output;
    if (end.flow.branch !== undefined && entry.kind === 'switch') entry.branch = end.flow.branch;
    if (end.flow.answeredBy !== undefined && this.executors.has(entry.kind)) entry.answeredBy = end.flow.answeredBy as AnswerSource;
    if (end.then !== undefined) entry.then = end.then;
  }

  /** The path so far (a copy). */
  path(): SimulatedTask[] {
    return this.#path.map((entry) => ({ ...entry }));
  }

  /** 0 for the top-level tasks; one more than the nearest enclosing task's. */
  #depthOf(reference: string): number {
    const known = this.#depths.get(reference);
    if (known !== undefined) return known;
    let depth = 0;
    for (let cut = reference.lastIndexOf('/'); cut > 0; cut = reference.lastIndexOf('/', cut - 1)) {
      const outer = this.#depths.get(reference.slice(0, cut));
      if (outer !== undefined) {
        depth = outer + 1;
        break;
      }
    }
    this.#depths.set(reference, depth);
    return depth;
  }
}

function stopped(title: string, detail: string, instance: string): TerminalError {
  const error: WorkflowErrorObject = { type: StandardError.runtime.type, status: 500, title, detail, instance };
  return new TerminalError(detail, { code: SIMULATION_STOPPED, details: { error } });
}

/** The DSL error object of a failure: its DSL error, a bound's, or a runtime error saying what happened. */
export function errorObjectOf(error: unknown, instance: string): WorkflowErrorObject {
  const fault = faultOf(error);
  if (fault !== undefined) return fault;
  const carried = (error as { details?: { error?: WorkflowErrorObject } } | undefined)?.details?.error;
  if (carried !== undefined && (error as { code?: unknown }).code === SIMULATION_STOPPED) return carried;
  const message = error instanceof Error ? error.message : String(error);
  return { type: StandardError.runtime.type, status: 500, title: 'Runtime error', detail: message, instance };
}
