/**
 * Every runtime expression of a definition must compile in jq: the `${ }` strings anywhere, and the
 * fields the DSL reads as expressions even without `${ }` (a task's `if`, a switch case's `when`,
 * `for.in`, a for task's `while`, `input.from`, `output.as`, `export.as`, a catch's `when` and
 * `exceptWhen`). A `$secrets.NAME` they read must be listed in `use.secrets`.
 *
 * jq costs about a millisecond per compile, so all expressions are compiled first as one program;
 * only when that fails is each compiled alone, to say which.
 */
import { expressionBody, expressionCompileError, isRuntimeExpression } from '../expressions/expression.js';
import type { DefinitionIssue } from './definition.js';
import { pointerOf } from './json-pointer.js';
import { declaredSecrets } from './reference-check.js';
import { allTasks, isObject, type Json } from './task-walk.js';

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

export async function expressionIssues(workflow: unknown): Promise<Issue[]> {
  const expressions = runtimeExpressions(workflow);
  const issues: Issue[] = [...secretIssues(workflow, expressions)];
  if (expressions.size === 0) return issues;
  const scope = [...declaredVariables(workflow)].map((name) => `null as $${name} | `).join('');
  const compiles = async (bodies: string[]): Promise<boolean> =>
    (await expressionCompileError(`${scope}[${bodies.map((body) => `(${body}\n)`).join(',\n')}]`)) === undefined;
  // An expression with unbalanced parentheses could close its neighbour's: it is compiled alone.
  const together = [...expressions].filter(([, expression]) => balancedParentheses(expressionBody(expression)));
  const unchecked = new Map(expressions);
  if (together.length > 0 && (await compiles(together.map(([, expression]) => expressionBody(expression))))) {
    for (const [path] of together) unchecked.delete(path);
  }
  for (const [path, expression] of unchecked) {
    const error = await expressionCompileError(`${scope}(${expressionBody(expression)}\n)`);
    if (error !== undefined) issues.push({ kind: 'expression', path, message: `${JSON.stringify(expression)} is not valid jq: ${jqMessage(error)}` });
  }
  return issues;
}

/** Whether every `(` of the jq text closes, outside strings and comments (string interpolations `\(...)` count as code). */
function balancedParentheses(body: string): boolean {
  // Each frame: 'string', or the open-parenthesis count of a code context (the root, or an interpolation).
  const frames: ('string' | number)[] = [0];
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    const frame = frames.at(-1);
    if (frame === 'string') {
      if (char === '\\') {
        if (body[i + 1] === '(') frames.push(0);
        i++;
      } else if (char === '"') frames.pop();
    } else if (frame !== undefined) {
      if (char === '"') frames.push('string');
      else if (char === '#') i = body.indexOf('\n', i) === -1 ? body.length : body.indexOf('\n', i);
      else if (char === '(') frames[frames.length - 1] = frame + 1;
      else if (char === ')') {
        if (frame > 0) frames[frames.length - 1] = frame - 1;
        else if (frames.length > 1) frames.pop();
        else return false;
      }
    }
  }
  return frames.length === 1 && frames[0] === 0;
}

/**
 * The variables a definition's iterations and catches declare (`for.each`/`for.at`, `catch.as`,
 * `foreach.item`/`foreach.at`), with their defaults; expressions may read them as `$name`.
 */
function declaredVariables(workflow: unknown): Set<string> {
  const names = new Set(['item', 'index', 'error']);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (isObject(child) && ['for', 'catch', 'foreach'].includes(key)) {
        for (const field of ['each', 'at', 'as', 'item']) {
          const name = child[field];
          if (typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.add(name);
        }
      }
      visit(child);
    }
  };
  visit(workflow);
  return names;
}

/** Every runtime expression of the workflow, by pointer. */
export function runtimeExpressions(workflow: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (value: unknown, pointer: string): void => {
    if (isRuntimeExpression(value)) found.set(pointer, value);
    else if (Array.isArray(value)) value.forEach((item: unknown, index) => visit(item, pointerOf(pointer, index)));
    else if (isObject(value)) for (const [key, child] of Object.entries(value)) visit(child, pointerOf(pointer, key));
  };
  visit(workflow, '');
  const field = (owner: unknown, pointer: string, ...keys: string[]): void => {
    let value = owner;
    let path = pointer;
    for (const key of keys) {
      if (!isObject(value)) return;
      value = value[key];
      path = pointerOf(path, key);
    }
    if (typeof value === 'string' && !found.has(path)) found.set(path, value);
  };
  const dataFlow = (owner: Json, pointer: string): void => {
    field(owner, pointer, 'input', 'from');
    field(owner, pointer, 'output', 'as');
    field(owner, pointer, 'export', 'as');
  };
  if (isObject(workflow)) dataFlow(workflow, '');
  for (const { task, pointer } of allTasks(workflow)) {
    if (!isObject(task)) continue;
    dataFlow(task, pointer);
    field(task, pointer, 'if');
    field(task, pointer, 'for', 'in');
    if (isObject(task.for)) field(task, pointer, 'while');
    field(task, pointer, 'catch', 'when');
    field(task, pointer, 'catch', 'exceptWhen');
    if (Array.isArray(task.switch)) {
      task.switch.forEach((item: unknown, index) => {
        if (!isObject(item)) return;
        for (const name of Object.keys(item)) field(item, pointerOf(pointerOf(pointer, 'switch'), index), name, 'when');
      });
    }
  }
  return found;
}

/** `$secrets.NAME` and `$secrets["NAME"]` read in an expression must be listed in use.secrets. */
function secretIssues(workflow: unknown, expressions: Map<string, string>): Issue[] {
  const declared = declaredSecrets(workflow);
  const issues: Issue[] = [];
  for (const [path, expression] of expressions) {
    for (const match of expression.matchAll(/\$secrets(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*"([^"]+)"\s*\])/g)) {
      const name = match[1] ?? match[2] ?? '';
      if (declared.includes(name)) continue;
      const known = declared.length > 0 ? ` (it lists ${declared.join(', ')})` : '';
      issues.push({
        kind: 'reference',
        path,
        message: `the expression reads secret '${name}', which use.secrets does not list${known}: add it to use.secrets`,
      });
    }
  }
  return issues;
}

/** jq's first line, without the program it quotes (which is the bound program, not what was written). */
function jqMessage(error: string): string {
  const first = error.split('\n')[0] ?? error;
  return first
    .replace(' (Unix shell quoting issues?)', '')
    .replace(/ at <top-level>, line \d+:?$/, '')
    .replace(/:$/, '');
}
