/**
 * Runtime expressions: `${ <jq> }` strings, evaluated by jq against a value, with the DSL's
 * arguments (`$input`, `$output`, `$context`, `$secrets`, `$task`, `$workflow`, `$runtime`,
 * `$authorization`) bound as jq variables.
 *
 * The arguments travel with the value in one JSON document, `[arguments, value]`, and the program
 * destructures them: `.[0] as {$input, ...} | .[1] | (<expression>)`. So every variable is always
 * defined (null when the scope has none), and a program is one jq call.
 */
import { loadJq, JqError, type JqEngine } from './jq-engine.js';

export const EXPRESSION_ARGUMENTS = ['input', 'output', 'context', 'secrets', 'task', 'workflow', 'runtime', 'authorization'] as const;
export type ExpressionArgument = (typeof EXPRESSION_ARGUMENTS)[number];
/** The values of the arguments an expression may read; a missing one is null in jq. */
export type ExpressionArguments = Partial<Record<ExpressionArgument, unknown>>;

const BINDING = `.[0] as {${EXPRESSION_ARGUMENTS.map((name) => `$${name}`).join(', ')}} | .[1] | `;

/** True for a string written as a runtime expression: `${ ... }` (surrounding whitespace allowed). */
export function isRuntimeExpression(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  return text.startsWith('${') && text.endsWith('}');
}

/** The jq program inside `${ ... }` (a string that is not so delimited is taken as jq as it is). */
export function expressionBody(expression: string): string {
  const text = expression.trim();
  return isRuntimeExpression(text) ? text.slice(2, -1).trim() : text;
}

/** The complete jq program that evaluates `body` with the arguments bound. */
export function boundProgram(body: string): string {
  return `${BINDING}(${body}\n)`;
}

/** jq's compile error for the expression (with every argument bound), or undefined when it compiles. */
export async function expressionCompileError(expression: string): Promise<string | undefined> {
  const jq = await loadJq();
  return jq.compileError(boundProgram(expressionBody(expression)));
}

/** Every output of the expression on `value`. Throws JqError when jq fails. */
export function evaluateAll(jq: JqEngine, expression: string, value: unknown, args: ExpressionArguments): unknown[] {
  return jq.run(boundProgram(expressionBody(expression)), [args, value === undefined ? null : value]);
}

export { JqError };
