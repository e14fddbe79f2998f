/**
 * Reading a scenario: the answer a simulated task gets (by its JSON pointer, then its name; a list
 * answers successive calls of the task, its last entry repeating), an approval's answer, the events a
 * `listen` receives in order. The scenario is checked once, before anything runs, so a wrong one is an
 * invalid argument that says where, never a fault halfway through the run.
 */
import { BatonError, ErrorCode } from '@baton/core';
import type { TaskSite } from '../tasks/executor.js';
import { StandardError, WorkflowFault } from '../runtime/workflow-fault.js';
import type { AnswerSource, Scenario, ScenarioAnswer } from './simulation-types.js';

/** An answer and where it came from, as a simulated task journals it. */
export interface Answered {
  readonly output: unknown;
  readonly answeredBy: AnswerSource;
}

export class ScenarioAnswers {
  readonly #scenario: Scenario;
  /**
   * Calls answered so far, per task pointer, and events consumed, per type. Never reset: stand-in
   * executors draw from them inside journaled steps, so a replay does not draw again.
   */
  readonly #calls = new Map<string, number>();
  readonly #events = new Map<string, number>();

  constructor(scenario: Scenario = {}) {
    checkScenario(scenario);
    this.#scenario = scenario;
  }

  /**
   * The scenario's answer for this call of the task at `site`, as its output (a `{ error }` answer
   * throws that DSL error, which a `try` can catch); undefined when the scenario says nothing of it.
   */
  answer(site: TaskSite): Answered | undefined {
    const tasks = this.#scenario.tasks ?? {};
    const entry = own(tasks, site.reference) ?? own(tasks, site.name);
    if (entry === undefined) return undefined;
    const count = this.#calls.get(site.reference) ?? 0;
    this.#calls.set(site.reference, count + 1);
    const answer = isAnswerList(entry) ? entry[Math.min(count, entry.length - 1)]! : entry;
    if ('error' in answer) throw scenarioFault(answer.error, site);
    return { output: answer.output, answeredBy: 'scenario' };
  }

  /** The data a person answers the approval at `site` (waiting for `signal`) with, if the scenario gives it. */
  approval(site: TaskSite, signal: string): { data: unknown } | undefined {
    const approvals = this.#scenario.approvals ?? {};
    for (const key of [site.reference, site.name, signal, '*']) {
      if (Object.hasOwn(approvals, key)) return { data: approvals[key] };
    }
    return undefined;
  }

  /** The next event of `type` the scenario sends (as written: its data, or an envelope), if any is left. */
  nextEvent(type: string): { value: unknown } | undefined {
    const events = own(this.#scenario.events ?? {}, type);
    const index = this.#events.get(type) ?? 0;
    if (events === undefined || index >= events.length) return undefined;
    this.#events.set(type, index + 1);
    return { value: events[index] };
  }
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isAnswerList(entry: ScenarioAnswer | readonly ScenarioAnswer[]): entry is readonly ScenarioAnswer[] {
  return Array.isArray(entry);
}

/** The DSL error a scenario's `{ error }` raises: a communication error unless it names its type. */
function scenarioFault(error: { type?: string; status: number; title?: string; detail?: string }, site: TaskSite): WorkflowFault {
  const title = error.title ?? (error.type === undefined ? 'Communication error' : undefined);
  return new WorkflowFault({
    type: error.type ?? StandardError.communication.type,
    status: error.status,
    ...(title === undefined ? {} : { title }),
    detail: error.detail ?? `The scenario answers ${site.reference} with an error (status ${error.status}).`,
    instance: site.reference,
  });
}

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, `The simulation's scenario is invalid: ${message}`, { retryable: false });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws BATON_INVALID_ARGUMENT, saying where, when `scenario` is not a Scenario. */
export function checkScenario(scenario: unknown): asserts scenario is Scenario {
  if (!isRecord(scenario)) throw invalid('it must be an object with tasks, approvals and events.');
  const unknown = Object.keys(scenario).filter((key) => !['tasks', 'approvals', 'events'].includes(key));
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.map((k) => `'${k}'`).join(', ')} (it has tasks, approvals and events).`);
  const { tasks, approvals, events } = scenario;
  if (tasks !== undefined) {
    if (!isRecord(tasks)) throw invalid('tasks must be an object of answers by task pointer or name.');
    for (const [key, entry] of Object.entries(tasks)) {
      const list = Array.isArray(entry) ? (entry as unknown[]) : [entry];
      if (list.length === 0) throw invalid(`tasks['${key}'] is an empty list: give at least one answer.`);
      list.forEach((answer, index) => checkAnswer(answer, Array.isArray(entry) ? `tasks['${key}'][${index}]` : `tasks['${key}']`));
    }
  }
  if (approvals !== undefined && !isRecord(approvals)) throw invalid('approvals must be an object of answers by task pointer, task name or signal.');
  if (events !== undefined) {
    if (!isRecord(events)) throw invalid('events must be an object of event lists by event type.');
    for (const [type, list] of Object.entries(events)) if (!Array.isArray(list)) throw invalid(`events['${type}'] must be a list of events.`);
  }
}

function checkAnswer(answer: unknown, where: string): void {
  if (!isRecord(answer)) throw invalid(`${where} must be { output } or { error }.`);
  const hasOutput = Object.hasOwn(answer, 'output');
  const hasError = Object.hasOwn(answer, 'error');
  if (hasOutput === hasError) throw invalid(`${where} must have exactly one of output and error.`);
  if (!hasError) return;
  const error = answer.error;
  if (!isRecord(error)) throw invalid(`${where}.error must be { status, type?, title?, detail? }.`);
  if (typeof error.status !== 'number' || !Number.isInteger(error.status) || error.status < 100 || error.status > 599) {
    throw invalid(`${where}.error.status must be an HTTP status (a whole number from 100 to 599).`);
  }
  for (const field of ['type', 'title', 'detail'] as const) {
    if (error[field] !== undefined && typeof error[field] !== 'string') throw invalid(`${where}.error.${field} must be a string.`);
  }
}
