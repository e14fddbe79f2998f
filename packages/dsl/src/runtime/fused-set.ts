/**
 * A `set` task's whole evaluation as ONE jq program: `if`, `input.from`, the set value, `output.as`
 * and `export.as`, each stage rebinding `$input`/`$output` as the data flow does. Used when the task
 * has no schema to check between the stages (a schema needs the value in hand) and does not read
 * `$task` (whose input and output change between stages): then one jq call does what up to five
 * would. Anything else takes the staged path.
 */
import type { Evaluator } from './evaluator.js';

interface SetTask {
  if?: unknown;
  set?: unknown;
  input?: { from?: unknown; schema?: unknown };
  output?: { as?: unknown; schema?: unknown };
  export?: { as?: unknown; schema?: unknown };
}

/** What the fused program returns. */
export type FusedResult = { skip: true } | { skip: false; output: unknown; context?: unknown };

/** The fused program, or undefined when the staged path must be taken (or one stage at most uses jq). */
export function fusedSetProgram(task: SetTask, evaluator: Evaluator): string | undefined {
  if (task.input?.schema !== undefined || task.output?.schema !== undefined || task.export?.schema !== undefined) return undefined;
  const condition = task.if === undefined ? null : evaluator.programOf(task.if, true);
  const from = task.input?.from === undefined ? null : evaluator.programOf(task.input.from, true);
  const set = evaluator.programOf(task.set, true);
  const as = task.output?.as === undefined ? null : evaluator.programOf(task.output.as, true);
  const exported = task.export?.as === undefined ? null : evaluator.programOf(task.export.as, true);
  const stages = [condition, from, set, as, exported].filter((p) => p !== null);
  if (stages.length < 2 || stages.some((p) => p.includes('$task'))) return undefined;
  const one = (program: string) => `([${program}] | if length == 1 then .[0] elif length == 0 then null else . end)`;
  const inner = [
    from === null ? '$__raw' : `($__raw | ${one(from)})`,
    '. as $input',
    set === null ? JSON.stringify(task.set ?? null) : one(set),
    '. as $output',
    as === null ? '.' : one(as),
    '. as $__out',
    exported === null ? '{skip: false, output: $__out}' : `. as $output | {skip: false, output: $__out, context: ${one(exported)}}`,
  ].join('\n| ');
  const body = condition === null ? inner : `if (${one(condition)} | . == null or . == false) then {skip: true} else (\n${inner}\n) end`;
  return `. as $__raw | ${body}`;
}
