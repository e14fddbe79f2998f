/**
 * Where a definition's tasks are: every task list (the workflow's `do`, and the lists nested in
 * `do`, `for`, `try`/`catch`, `fork` branches and `listen`'s `foreach`), each task's name, value and
 * JSON pointer, and the task type its keys say it is. The checks walk definitions through here, and
 * tolerate any shape (they also run on definitions the schema rejected).
 */
import { pointerOf } from './json-pointer.js';

export type Json = Record<string, unknown>;

export interface TaskEntry {
  readonly name: string;
  readonly task: unknown;
  /** Pointer of the task's value, e.g. `/do/1/checkStock`. */
  readonly pointer: string;
}

export interface TaskList {
  /** Pointer of the list, e.g. `/do` or `/do/0/loop/for/do`... */
  readonly pointer: string;
  readonly entries: readonly TaskEntry[];
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of a task list (items that are not one-key objects are skipped; the schema names them). */
export function listEntries(list: unknown, pointer: string): TaskEntry[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index) => {
    if (!isObject(item)) return [];
    const keys = Object.keys(item);
    if (keys.length !== 1) return [];
    const name = keys[0] as string;
    return [{ name, task: item[name], pointer: pointerOf(pointerOf(pointer, index), name) }];
  });
}

/** The task lists directly inside one task (not deeper): `[pointer, list]` pairs. */
export function nestedLists(task: unknown, pointer: string): [string, unknown][] {
  if (!isObject(task)) return [];
  const lists: [string, unknown][] = [];
  if ('do' in task) lists.push([pointerOf(pointer, 'do'), task.do]);
  if ('try' in task) lists.push([pointerOf(pointer, 'try'), task.try]);
  if (isObject(task.catch) && 'do' in task.catch) lists.push([pointerOf(pointerOf(pointer, 'catch'), 'do'), task.catch.do]);
  if (isObject(task.fork) && 'branches' in task.fork) lists.push([pointerOf(pointerOf(pointer, 'fork'), 'branches'), task.fork.branches]);
  if (isObject(task.listen) && isObject(task.listen.foreach) && 'do' in task.listen.foreach) {
    lists.push([pointerOf(pointerOf(pointerOf(pointer, 'listen'), 'foreach'), 'do'), task.listen.foreach.do]);
  }
  return lists;
}

/** Every task list of the workflow, outermost first. */
export function taskLists(workflow: unknown): TaskList[] {
  const lists: TaskList[] = [];
  const visit = (pointer: string, list: unknown): void => {
    const entries = listEntries(list, pointer);
    lists.push({ pointer, entries });
    for (const entry of entries) for (const [nested, value] of nestedLists(entry.task, entry.pointer)) visit(nested, value);
  };
  if (isObject(workflow)) {
    visit('/do', workflow.do);
    for (const [name, task] of Object.entries(useSection(workflow, 'functions'))) {
      const pointer = pointerOf('/use/functions', name);
      for (const [nested, value] of nestedLists(task, pointer)) visit(nested, value);
    }
  }
  return lists;
}

/** Every task of the workflow (the declared functions included), with its pointer. */
export function allTasks(workflow: unknown): TaskEntry[] {
  const functions = Object.entries(useSection(workflow, 'functions')).map(([name, task]) => ({ name, task, pointer: pointerOf('/use/functions', name) }));
  return [...functions, ...taskLists(workflow).flatMap((list) => list.entries)];
}

/** `use.<section>` as an object (empty when absent or malformed). */
export function useSection(workflow: unknown, section: string): Json {
  if (!isObject(workflow) || !isObject(workflow.use)) return {};
  const value = workflow.use[section];
  return isObject(value) ? value : {};
}

/** The SDK's type name for a task, from its keys; undefined when no task key is there. */
export function taskTypeOf(task: unknown): string | undefined {
  if (!isObject(task)) return undefined;
  if ('call' in task) {
    const calls: Record<string, string> = { asyncapi: 'CallAsyncAPI', grpc: 'CallGRPC', http: 'CallHTTP', openapi: 'CallOpenAPI' };
    return typeof task.call === 'string' ? (calls[task.call] ?? 'CallFunction') : 'CallFunction';
  }
  // `for` before `do`: a for task has both.
  const types: [string, string][] = [
    ['for', 'ForTask'],
    ['fork', 'ForkTask'],
    ['emit', 'EmitTask'],
    ['listen', 'ListenTask'],
    ['raise', 'RaiseTask'],
    ['run', 'RunTask'],
    ['set', 'SetTask'],
    ['switch', 'SwitchTask'],
    ['try', 'TryTask'],
    ['wait', 'WaitTask'],
    ['do', 'DoTask'],
  ];
  return types.find(([key]) => key in task)?.[1];
}

export const TASK_KEYS = ['call', 'do', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait'] as const;
