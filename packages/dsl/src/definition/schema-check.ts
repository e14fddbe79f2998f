/**
 * The DSL's JSON Schema, through the official SDK's `validate(typeName, data)`.
 *
 * The schema's task type is a `oneOf` over twelve task kinds, so one mistake in a task makes Ajv
 * report every kind's errors. To say what to change instead, each task is validated on its own
 * against the kind its keys name (`call: http` → CallHTTP, `for` → ForTask...), with its nested task
 * lists emptied (they are validated task by task too); the workflow itself is validated with its
 * task lists emptied. Each validation reports its first failure, so every task gets its own issue.
 *
 * The SDK compiles its schema when it is loaded, which takes most of a second: it is loaded on the
 * first check, so a process that never reads a definition (`baton runs list`, `--help`) does not pay it.
 */
import { createRequire } from 'node:module';
import type sdkModule from '@serverlessworkflow/sdk';
import type { DefinitionIssue } from './definition.js';
import { lastKey, pointerOf, valueAt } from './json-pointer.js';
import { allTasks, isObject, nestedLists, TASK_KEYS, taskLists, taskTypeOf, type Json } from './task-walk.js';
import { a2aCallProblems, asDsl100, LATER_CALL_CHECKS, LATER_CALLS } from './dsl-compat.js';
import { schemaErrorIssues, type SchemaError } from './schema-messages.js';

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

const DSL_VERSION = /^1\.0\.\d+$/;
/** The DSL version the SDK's schema is written for; 1.0.x documents validate against it. */
const SDK_DSL_VERSION = '1.0.0';

/** Every schema issue of the workflow (pointer, message); an empty list when it conforms. */
export function schemaIssues(workflow: unknown): Issue[] {
  if (!isObject(workflow))
    return [{ kind: 'schema', path: '', message: 'a definition is an object with document and do (and optionally input, use, output, schedule...)' }];
  const issues: Issue[] = [];
  const document = workflow.document;
  const dsl = isObject(document) ? document.dsl : undefined;
  if (isObject(document) && dsl === undefined) {
    issues.push({ kind: 'schema', path: '/document', message: `'document' is missing the required property 'dsl': add it, e.g. dsl: '1.0.3'` });
  } else if (isObject(document) && (typeof dsl !== 'string' || !DSL_VERSION.test(dsl))) {
    issues.push({ kind: 'schema', path: '/document/dsl', message: `document.dsl is ${JSON.stringify(dsl)}: Baton runs DSL 1.0.x, write e.g. '1.0.3'` });
  }
  issues.push(...workflowIssues(workflowShell(workflow)));
  for (const list of taskLists(workflow)) issues.push(...listShapeIssues(list.pointer, valueAt(workflow, list.pointer)));
  for (const entry of allTasks(workflow)) issues.push(...taskIssues(entry.name, entry.task, entry.pointer));
  return issues;
}

/** Stand-ins for the required sections, so the rest can still be checked when one is wrong. */
const STAND_INS: Json = { document: { dsl: SDK_DSL_VERSION, namespace: 'stand-in', name: 'stand-in', version: '1.0.0' }, do: [] };

/**
 * The workflow's own (task-free) issues. Ajv stops at the first failure, so after each one the
 * failing top-level section is set aside (a required one replaced by a valid stand-in) and the
 * rest validated again: every section gets its own issue.
 */
function workflowIssues(shell: Json): Issue[] {
  const issues: Issue[] = [];
  let rest: Json = shell;
  for (let round = 0; round < 20; round++) {
    const found = validateAs('Workflow', rest, '');
    if (found.length === 0) break;
    issues.push(...found);
    const sections = new Set(found.map((issue) => issue.path.split('/')[1] ?? ''));
    const next: Json = { ...rest };
    for (const section of sections) {
      if (section === '') for (const key of Object.keys(STAND_INS)) next[key] ??= STAND_INS[key];
      else if (section in STAND_INS) next[section] = STAND_INS[section];
      else delete next[section];
    }
    if (JSON.stringify(next) === JSON.stringify(rest)) break;
    rest = next;
  }
  return issues;
}

function taskIssues(name: string, task: unknown, pointer: string): Issue[] {
  const type = taskTypeOf(task);
  const keywords = isObject(task) ? TASK_KEYS.filter((key) => key in task && !(key === 'do' && 'for' in task)) : [];
  if (keywords.length > 1) {
    return [
      {
        kind: 'schema',
        path: pointer,
        message: `task '${name}' has several task keywords (${keywords.join(', ')}): a task does one thing, split it into one task per keyword`,
      },
    ];
  }
  if (type === undefined) {
    const message = isObject(task)
      ? `task '${name}' has no task keyword: give it one of ${TASK_KEYS.join(', ')}`
      : `task '${name}' must be an object with one of ${TASK_KEYS.join(', ')}`;
    return [{ kind: 'schema', path: pointer, message }];
  }
  if (isObject(task) && (LATER_CALLS as readonly unknown[]).includes(task.call)) {
    const call = task.call as (typeof LATER_CALLS)[number];
    if (task.with !== undefined && !isObject(task.with)) {
      return [{ kind: 'schema', path: pointerOf(pointer, 'with'), message: `call ${call} task '${name}': 'with' must be an object` }];
    }
    if (call === 'a2a' && isObject(task.with)) {
      return a2aCallProblems(task.with).map(({ key, message }) => ({
        kind: 'schema' as const,
        path: pointerOf(pointerOf(pointer, 'with'), key),
        message: `call a2a task '${name}': ${message}`,
      }));
    }
    if (call === 'a2a' && task.with === undefined) {
      return [{ kind: 'schema', path: pointer, message: `call a2a task '${name}': 'with' is required ({ method, agentCard or server, parameters })` }];
    }
    const check = LATER_CALL_CHECKS[call];
    if (check === undefined) return [];
    if (task.with === undefined) return [{ kind: 'schema', path: pointer, message: `call ${call} task '${name}': 'with' is required` }];
    return check(task.with, pointerOf(pointer, 'with')).map((issue) => ({
      kind: 'schema',
      path: issue.path,
      message: `call ${call} task '${name}': ${issue.message}`,
    }));
  }
  const kind =
    isObject(task) && typeof task.call === 'string' && type !== 'CallFunction' ? `call ${task.call}` : (type.replace(/Task$/, '').toLowerCase() as string);
  return validateAs(type, asDsl100(emptied(task, pointer) as Json), pointer).map((issue) => ({
    ...issue,
    message: `${kind} task '${name}': ${issue.message}`,
  }));
}

/** A task list's items must each be an object with exactly one key, the task's name. */
function listShapeIssues(pointer: string, list: unknown): Issue[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index) => {
    const count = isObject(item) ? Object.keys(item).length : -1;
    if (count === 1) return [];
    const message =
      count === -1
        ? 'a task list item must be an object naming one task (`- taskName: { set: ... }`)'
        : `a task list item must name exactly one task, this one has ${count} keys (${Object.keys(item as Json).join(', ')}): indent the task's fields under its name, or split it into separate items`;
    return [{ kind: 'schema' as const, path: pointerOf(pointer, index), message }];
  });
}

/** The workflow with every task list emptied and every declared function a placeholder task. */
function workflowShell(workflow: Json): Json {
  const shell: Json = { ...workflow };
  if (Array.isArray(shell.do)) shell.do = [];
  // The SDK refuses any version but its own; a wrong version was reported above.
  if (isObject(shell.document)) shell.document = { ...shell.document, dsl: SDK_DSL_VERSION };
  if (isObject(shell.use) && isObject(shell.use.functions)) {
    const functions = Object.fromEntries(Object.keys(shell.use.functions).map((name) => [name, { set: { placeholder: true } }]));
    shell.use = { ...shell.use, functions };
  }
  return shell;
}

/** A shallow copy of the task whose nested task lists are empty (each nested task is checked apart). */
function emptied(task: unknown, pointer: string): unknown {
  if (!isObject(task)) return task;
  const copy: Json = structuredClone(task);
  for (const [nested] of nestedLists(task, pointer)) {
    const path = nested.slice(pointer.length + 1).split('/');
    let parent: Json = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Json;
    const key = path.at(-1) as string;
    if (Array.isArray(parent[key])) parent[key] = [];
  }
  return copy;
}

const requireModule = createRequire(import.meta.url);

/** The SDK, loaded on first use and cached by Node's module cache (its main entry is CommonJS). */
function sdk(): typeof sdkModule {
  return requireModule('@serverlessworkflow/sdk') as typeof sdkModule;
}

function validateAs(typeName: string, data: unknown, base: string): Issue[] {
  try {
    sdk().validate(typeName, data);
    return [];
  } catch (error) {
    const errors = parseSdkErrors(error);
    if (errors.length === 0) return [{ kind: 'schema', path: base, message: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) }];
    return schemaErrorIssues(errors, data, base);
  }
}

/** The SDK reports Ajv's errors as lines `- instancePath | schemaPath | message | params`. */
function parseSdkErrors(error: unknown): SchemaError[] {
  const text = error instanceof Error ? error.message : String(error);
  const report = text.split('\n\ndata:')[0] ?? '';
  const errors: SchemaError[] = [];
  for (const line of report.split('\n')) {
    const match = /^- (.*?) \| (#\S*) \| (.*) \| (\{.*\}|null)$/.exec(line);
    if (match === null) continue;
    let params: Record<string, unknown> = {};
    try {
      params = (JSON.parse(match[4] as string) as Record<string, unknown> | null) ?? {};
    } catch {
      // Params are only used to word the message better.
    }
    const schemaPath = match[2] as string;
    errors.push({ instancePath: match[1] as string, schemaPath, keyword: lastKey(schemaPath), message: match[3] as string, params });
  }
  return errors;
}
