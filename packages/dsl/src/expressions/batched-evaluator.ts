/**
 * Evaluates runtime expressions in batches: every evaluation asked for in one turn of the event loop
 * goes to jq in ONE call, with one input line per evaluation and each distinct expression compiled
 * once as a jq function. A jq call costs about a millisecond whatever it does (jq compiles its
 * builtins each time), so two hundred runs evaluating the same expression at once pay that once
 * instead of two hundred times.
 *
 * Each input line is `[index of the program, its input]`, and the batch's program answers one line
 * per input, `{"ok": [outputs]}` or `{"error": <jq's error value>}`, so one failing evaluation never
 * disturbs the others. Expressions that read or stop jq's input stream (`input`, `inputs`, `halt`, …)
 * would see the other lines of a batch: they run alone.
 */
import { loadJq, JqError, type JqEngine } from './jq-engine.js';
import { boundProgram, expressionBody, type ExpressionArguments } from './expression.js';

interface Pending {
  /** A jq program that reads its whole input document (`.`). */
  program: string;
  document: string;
  resolve(outputs: unknown[]): void;
  reject(error: unknown): void;
}

/** jq builtins that read, or end, the whole input stream: never batched. */
const STREAM_BUILTINS = /(?<![$.\w])(?:inputs?|halt|halt_error|input_line_number|input_filename|\$__prog_args)(?!\w)/;

export class BatchedEvaluator {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly jq: Promise<JqEngine> = loadJq()) {}

  /** Every output of `expression` (a `${ }` string or a bare jq program) on `value`. Rejects with JqError. */
  evaluate(expression: string, value: unknown, args: ExpressionArguments): Promise<unknown[]> {
    return this.run(boundProgram(expressionBody(expression)), [args, value === undefined ? null : value]);
  }

  /** Every output of the jq `program` on `input`, as `JqEngine.run` gives them, batched. Rejects with JqError. */
  run(program: string, input: unknown): Promise<unknown[]> {
    let document: string;
    try {
      document = JSON.stringify(input === undefined ? null : input);
    } catch (error) {
      return Promise.reject(new JqError(`The expression's input is not JSON: ${(error as Error).message}`, 'runtime'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ program, document, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const jq = await this.jq;
    const alone = batch.filter((item) => batch.length === 1 || STREAM_BUILTINS.test(item.program));
    const together = batch.filter((item) => !alone.includes(item));
    for (const item of alone) runAlone(jq, item);
    if (together.length > 0) runTogether(jq, together);
  }
}

function runAlone(jq: JqEngine, item: Pending): void {
  try {
    item.resolve(jq.run(item.program, JSON.parse(item.document)));
  } catch (error) {
    item.reject(error);
  }
}

function runTogether(jq: JqEngine, batch: Pending[]): void {
  const programs = [...new Set(batch.map((item) => item.program))];
  const index = new Map(programs.map((program, i) => [program, i]));
  const functions = programs.map((program, i) => `def __e${i}: ${program}\n;`).join('\n');
  const dispatch = programs.map((_, i) => `${i === 0 ? 'if' : 'elif'} $__k == ${i} then __e${i}`).join(' ') + ' else empty end';
  const program = `${functions}\n.[0] as $__k | .[1] | try {ok: [${dispatch}]} catch {error: .}`;
  const text = batch.map((item) => `[${index.get(item.program)},${item.document}]`).join('\n');
  let lines: string[];
  try {
    lines = jq.raw(text, program).split('\n');
  } catch (error) {
    // One of the expressions does not compile: evaluate each alone, so only its own callers fail.
    for (const item of batch) runAlone(jq, item);
    return;
  }
  batch.forEach((item, i) => {
    const answer = JSON.parse(lines[i] ?? 'null') as { ok?: unknown[]; error?: unknown } | null;
    if (answer && 'ok' in answer) item.resolve(answer.ok ?? []);
    else item.reject(new JqError(errorText(answer?.error), 'runtime'));
  });
}

function errorText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null (null) not a string';
  return `${JSON.stringify(value)} (not a string)`;
}

let shared: BatchedEvaluator | undefined;

/** The process's evaluator: evaluations from every run of every definition share its batches. */
export function sharedEvaluator(): BatchedEvaluator {
  return (shared ??= new BatchedEvaluator());
}
