/**
 * Evaluates runtime expressions for the interpreter: single expressions (`when`, `input.from`,
 * `output.as`…), and templates, values with `${ }` strings anywhere inside, each in ONE jq call (the
 * template becomes one jq program that builds the whole value). A value without expressions never
 * reaches jq. Besides the DSL's arguments, a scope may bind variables of its own (`$item`, `$index`,
 * a caught error's `$error`).
 */
import { EXPRESSION_ARGUMENTS, expressionBody, isRuntimeExpression } from '../expressions/expression.js';
import { JqError, type JqEngine } from '../expressions/jq-engine.js';
import { BatchedEvaluator, sharedEvaluator } from '../expressions/batched-evaluator.js';
import { standardFault } from './workflow-fault.js';

/** What an expression can read besides `.`: the DSL's arguments and scope variables, by name (without `$`). */
export type Scope = Readonly<Record<string, unknown>>;

const VARIABLE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** jq builtins whose result is not a function of the program and its input: never memoized. */
const IMPURE = /\b(?:now|input|inputs|input_line_number|debug|stderr|env|halt|halt_error|get_search_list|input_filename)\b|\$ENV|\$__loc__/;
/** How many evaluations an interpreter remembers (jq is pure, and costs ~1 ms a call: loops and repeated runs evaluate the same thing again). */
const MEMO_SIZE = 2000;
/** Large inputs are not remembered (their keys would hold the memory). */
const MAX_MEMO_KEY = 16 * 1024;
const SECRET = /\$secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*"([^"]+)"\s*\])/g;

export class Evaluator {
  readonly #jq: BatchedEvaluator;
  readonly #templates = new WeakMap<object, string | null>();
  /** Recent results by program and input, oldest first (a Map keeps insertion order). */
  readonly #memo = new Map<string, unknown>();

  /** On the process's shared batches (every definition's runs evaluate together), or on `jq` alone. */
  constructor(jq?: JqEngine) {
    this.#jq = jq === undefined ? sharedEvaluator() : new BatchedEvaluator(Promise.resolve(jq));
  }

  /**
   * The value of a runtime expression on `value`: `${ … }`, or a bare jq string where the DSL takes
   * one (e.g. `when: .color == "red"`). Several outputs make an array; none make null.
   */
  expression(expression: string, value: unknown, scope: Scope): Promise<unknown> {
    return this.#run(`(${expressionBody(expression)}\n)`, value, scope);
  }

  /** A truth test (`if`, `when`, `while`): jq's truthiness of the expression's value. */
  async test(expression: string, value: unknown, scope: Scope): Promise<boolean> {
    const result = await this.expression(expression, value, scope);
    return result !== null && result !== false;
  }

  /** `value` with every `${ }` string inside it evaluated on `input`; the same value when it has none. */
  async template(value: unknown, input: unknown, scope: Scope): Promise<unknown> {
    const program = this.#template(value);
    return program === null ? value : this.#run(program, input, scope);
  }

  /** True when `value` holds a runtime expression somewhere. */
  hasExpressions(value: unknown): boolean {
    return this.#template(value) !== null;
  }

  /**
   * The jq program (on `.`, one value) of a transformation as the data flow reads it: a string is an
   * expression (`${ }` optional), anything else a template (null when it holds no expression).
   */
  programOf(value: unknown, bareStrings: boolean): string | null {
    if (typeof value === 'string' && bareStrings) return `(${expressionBody(value)}\n)`;
    return this.#template(value);
  }

  /** Evaluates a jq program built from `programOf` pieces (with `$`-variables of the scope bound). */
  program(program: string, value: unknown, scope: Scope): Promise<unknown> {
    return this.#run(program, value, scope);
  }

  #template(value: unknown): string | null {
    if (typeof value === 'string') return isRuntimeExpression(value) ? `(${expressionBody(value)}\n)` : null;
    if (typeof value !== 'object' || value === null) return null;
    const cached = this.#templates.get(value);
    if (cached !== undefined) return cached;
    const program = templateProgram(value, (v) => this.#template(v));
    this.#templates.set(value, program);
    return program;
  }

  async #run(program: string, value: unknown, scope: Scope): Promise<unknown> {
    if (program.includes('$secrets')) assertSecrets(program, scope.secrets);
    const names = new Set<string>(EXPRESSION_ARGUMENTS);
    for (const name of Object.keys(scope)) if (IDENTIFIER.test(name)) names.add(name);
    const used: Record<string, unknown> = {};
    const bound: string[] = [];
    for (const [, name] of program.matchAll(VARIABLE)) {
      if (name === undefined || !names.has(name) || name in used) continue;
      used[name] = scope[name] ?? null;
      bound.push(`$${name}`);
    }
    const full = bound.length === 0 ? `.[1] | ${program}` : `.[0] as {${bound.join(', ')}} | .[1] | ${program}`;
    const jqProgram = `[${full}] | if length == 1 then .[0] elif length == 0 then null else . end`;
    const input = [used, value ?? null];
    let key: string | undefined = IMPURE.test(program) ? undefined : `${jqProgram}\u0000${JSON.stringify(input)}`;
    if (key !== undefined && key.length > MAX_MEMO_KEY) key = undefined;
    if (key !== undefined && this.#memo.has(key)) {
      const hit = this.#memo.get(key);
      // Refresh its place, and hand out a copy: callers may keep and change what they get.
      this.#memo.delete(key);
      this.#memo.set(key, hit);
      return structuredClone(hit);
    }
    try {
      const result = (await this.#jq.run(jqProgram, input))[0];
      if (key !== undefined) {
        this.#memo.set(key, structuredClone(result));
        if (this.#memo.size > MEMO_SIZE) this.#memo.delete(this.#memo.keys().next().value!);
      }
      return result;
    } catch (error) {
      const message = error instanceof JqError ? error.message : String(error);
      throw standardFault('expression', `The expression failed: ${message}`);
    }
  }
}

/** The jq program that builds `value` (an object or array), or null when nothing in it is an expression. */
function templateProgram(value: object, part: (v: unknown) => string | null): string | null {
  if (Array.isArray(value)) {
    const parts = value.map((item) => part(item));
    if (parts.every((p) => p === null)) return null;
    return `[${parts.map((p, i) => p ?? literal(value[i])).join(', ')}]`;
  }
  const entries = Object.entries(value);
  const parts = entries.map(([, v]) => part(v));
  if (parts.every((p) => p === null)) return null;
  // Each field takes the first output of its expression (an empty one gives null), so the object is one value.
  return `{${entries.map(([k, v], i) => `${JSON.stringify(k)}: ${parts[i] === null ? literal(v) : `([${parts[i]}] | .[0])`}`).join(', ')}}`;
}

function literal(value: unknown): string {
  return `(${JSON.stringify(value ?? null)})`;
}

/** Reading a secret that is not configured is an authorization error (403), not a silent null. */
function assertSecrets(program: string, secrets: unknown): void {
  const known = typeof secrets === 'object' && secrets !== null ? (secrets as Record<string, unknown>) : {};
  for (const [, dotted, bracketed] of program.matchAll(SECRET)) {
    const name = dotted ?? bracketed;
    if (name !== undefined && !Object.hasOwn(known, name)) {
      throw standardFault('authorization', `The secret '${name}' is not available to this workflow: configure it in the runtime's secrets.`);
    }
  }
}
