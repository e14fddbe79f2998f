/**
 * Baton's own checks of names: task names are unique within their list, every `then` names a task of
 * the same list (or continue/exit/end), and every function, error, retry policy, authentication and
 * secret a definition refers to is declared in its `use` section.
 */
import type { DefinitionIssue } from './definition.js';
import { pointerOf } from './json-pointer.js';
import { allTasks, isObject, taskLists, useSection, type TaskEntry } from './task-walk.js';

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

const FLOW_DIRECTIVES = ['continue', 'exit', 'end'];
const BUILT_IN_CALLS = ['asyncapi', 'grpc', 'http', 'openapi', 'a2a', 'mcp'];
const AUTHENTICATION_SCHEMES = ['basic', 'bearer', 'digest', 'oauth2', 'oidc'];

export function referenceIssues(workflow: unknown): Issue[] {
  return [...listIssues(workflow), ...useIssues(workflow), ...authenticationIssues(workflow)];
}

/** Duplicate names and `then` targets, list by list. */
function listIssues(workflow: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const list of taskLists(workflow)) {
    const names = new Set<string>();
    for (const entry of list.entries) {
      if (names.has(entry.name)) {
        issues.push({
          kind: 'duplicate',
          path: entry.pointer,
          message: `task name '${entry.name}' is used twice in ${list.pointer}: rename one (names are unique within a task list)`,
        });
      }
      names.add(entry.name);
    }
    const targets = [...names];
    for (const entry of list.entries) {
      for (const [pointer, target] of thenTargets(entry)) {
        if (FLOW_DIRECTIVES.includes(target) || names.has(target)) continue;
        const known = targets.length > 0 ? `the tasks of this list are ${targets.join(', ')}` : 'this list has no tasks';
        issues.push({
          kind: 'reference',
          path: pointer,
          message: `then '${target}' names no task of the same list (${known}): use one of them, or continue, exit or end`,
        });
      }
    }
  }
  return issues;
}

/** A task's own `then`, and each `then` of its switch cases. */
function thenTargets(entry: TaskEntry): [string, string][] {
  const { task, pointer } = entry;
  if (!isObject(task)) return [];
  const targets: [string, string][] = [];
  if (typeof task.then === 'string') targets.push([pointerOf(pointer, 'then'), task.then]);
  if (Array.isArray(task.switch)) {
    task.switch.forEach((item: unknown, index) => {
      if (!isObject(item)) return;
      for (const [caseName, value] of Object.entries(item)) {
        if (isObject(value) && typeof value.then === 'string')
          targets.push([pointerOf(pointerOf(pointerOf(pointerOf(pointer, 'switch'), index), caseName), 'then'), value.then]);
      }
    });
  }
  return targets;
}

/** Named functions, catalogs, errors and retry policies must be declared under `use`. */
function useIssues(workflow: unknown): Issue[] {
  const functions = useSection(workflow, 'functions');
  const errors = useSection(workflow, 'errors');
  const retries = useSection(workflow, 'retries');
  const catalogs = useSection(workflow, 'catalogs');
  const issues: Issue[] = [];
  for (const { name, task, pointer } of allTasks(workflow)) {
    if (!isObject(task)) continue;
    if (typeof task.call === 'string' && !BUILT_IN_CALLS.includes(task.call) && !task.call.includes('@') && !(task.call in functions)) {
      issues.push(undeclared(pointerOf(pointer, 'call'), `task '${name}' calls function '${task.call}'`, 'use.functions', functions));
    }
    // `name:version@catalog` calls a catalog's function; `default` is the runtime's own catalog.
    const catalog = typeof task.call === 'string' && !task.call.includes('://') ? /^[^:@/]+:[^@]+@([^@]+)$/.exec(task.call)?.[1] : undefined;
    if (catalog !== undefined && catalog !== 'default' && !(catalog in catalogs)) {
      issues.push(undeclared(pointerOf(pointer, 'call'), `task '${name}' calls a function of catalog '${catalog}'`, 'use.catalogs', catalogs));
    }
    if (isObject(task.raise) && typeof task.raise.error === 'string' && !(task.raise.error in errors)) {
      issues.push(undeclared(pointerOf(pointerOf(pointer, 'raise'), 'error'), `task '${name}' raises error '${task.raise.error}'`, 'use.errors', errors));
    }
    if (isObject(task.catch) && typeof task.catch.retry === 'string' && !(task.catch.retry in retries)) {
      issues.push(
        undeclared(pointerOf(pointerOf(pointer, 'catch'), 'retry'), `task '${name}' retries with policy '${task.catch.retry}'`, 'use.retries', retries),
      );
    }
  }
  return issues;
}

/**
 * `authentication: name` or `authentication: { use: name }` anywhere must name a declared
 * authentication; a policy's `{ basic: { use: secret } }` must name a declared secret.
 */
function authenticationIssues(workflow: unknown): Issue[] {
  const authentications = useSection(workflow, 'authentications');
  const secrets = declaredSecrets(workflow);
  const issues: Issue[] = [];
  const visit = (value: unknown, pointer: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => visit(item, pointerOf(pointer, index)));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const path = pointerOf(pointer, key);
      if (key === 'authentication' && pointer !== '/use/authentications') {
        const name = typeof child === 'string' ? child : isObject(child) && typeof child.use === 'string' ? child.use : undefined;
        const at = typeof child === 'string' ? path : pointerOf(path, 'use');
        if (name !== undefined && !(name in authentications))
          issues.push(undeclared(at, `authentication '${name}' is used`, 'use.authentications', authentications));
      }
      if (AUTHENTICATION_SCHEMES.includes(key) && isObject(child) && typeof child.use === 'string' && !secrets.includes(child.use)) {
        issues.push({
          kind: 'reference',
          path: pointerOf(path, 'use'),
          message: `${key} authentication uses secret '${child.use}', which use.secrets does not list: add it to use.secrets`,
        });
      }
      visit(child, path);
    }
  };
  visit(workflow, '');
  return issues;
}

/** The secret names `use.secrets` lists. */
export function declaredSecrets(workflow: unknown): string[] {
  if (!isObject(workflow) || !isObject(workflow.use) || !Array.isArray(workflow.use.secrets)) return [];
  return workflow.use.secrets.filter((name): name is string => typeof name === 'string');
}

function undeclared(path: string, what: string, section: string, declared: Record<string, unknown>): Issue {
  const names = Object.keys(declared);
  const known = names.length > 0 ? ` (declared: ${names.join(', ')})` : '';
  return { kind: 'reference', path, message: `${what} but ${section} does not declare it${known}: declare it there or correct the name` };
}
