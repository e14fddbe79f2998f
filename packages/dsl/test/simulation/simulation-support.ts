/**
 * What the simulation tests share: a private in-memory SQLite store per simulation, a definition's
 * header, and the path of a result reduced to what a reader checks.
 */
import { SqliteStore } from '@baton/sqlite';
import { simulate, type Definition, type SimulateOptions, type SimulatedTask, type SimulationResult } from '@baton/dsl';

/** A definition's text: the document header and the given YAML body. */
export function definition(body: string, name = 'simulated'): string {
  return `document: { dsl: '1.0.0', namespace: tests, name: ${name}, version: '1.0.0' }\n${body}`;
}

/** Simulates on a fresh `:memory:` store (the store is closed by simulate itself). */
export function simulateInMemory(text: string | Definition, input: unknown, options: Omit<SimulateOptions, 'store'> = {}): Promise<SimulationResult> {
  return simulate(text, input, { ...options, store: () => new SqliteStore({ path: ':memory:' }) });
}

/** Each task of the path as `name[qualifier]:status`, plus `>case` for a switch and `->then` for a directive. */
export function steps(result: SimulationResult): string[] {
  return result.path.map((task) => label(task));
}

function label(task: SimulatedTask): string {
  let text = `${task.name}${task.qualifier === '' ? '' : task.qualifier}:${task.status}`;
  if (task.branch !== undefined) text += `>${task.branch}`;
  if (task.then !== undefined) text += `->${task.then}`;
  return text;
}

/** The path's task named `name` (the first, or the one with `qualifier`). */
export function task(result: SimulationResult, name: string, qualifier = ''): SimulatedTask {
  const found = result.path.find((t) => t.name === name && t.qualifier === qualifier);
  if (found === undefined) throw new Error(`No task '${name}${qualifier}' in the path: ${steps(result).join(', ')}`);
  return found;
}
