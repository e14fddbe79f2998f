/**
 * The jq engine: jq itself, compiled to WebAssembly (`jq-web`), loaded once per process. Every
 * runtime expression of a definition is evaluated here, so its semantics are jq's own.
 *
 * A jq failure (a compile error, or `error(...)` and type errors at run time) becomes a `JqError`
 * that keeps jq's message without the wrapper's exit-code line.
 */
import { createRequire } from 'node:module';
import type JqWebModule from 'jq-web';

type JqWeb = Awaited<typeof JqWebModule>;

export class JqError extends Error {
  constructor(
    message: string,
    /** 'compile' when the program is not valid jq, 'runtime' when it failed on this input. */
    readonly phase: 'compile' | 'runtime',
  ) {
    super(message);
    this.name = 'JqError';
  }
}

export interface JqEngine {
  /** Every output of `program` on `input`, in order (an empty array when it outputs nothing). */
  run(program: string, input: unknown): unknown[];
  /** jq's compile error for `program`, or undefined when it compiles. */
  compileError(program: string): string | undefined;
  /** jq's compact output (one JSON text per line) of `program` over `text`, a stream of JSON texts. */
  raw(text: string, program: string): string;
}

let loading: Promise<JqEngine> | undefined;

/** The process's jq engine (the WebAssembly module is instantiated on the first call). */
export function loadJq(): Promise<JqEngine> {
  // `jq-web` exports a promise through CommonJS; require it so every loader sees that promise.
  return (loading ??= (createRequire(import.meta.url)('jq-web') as Promise<JqWeb>).then((jq) => engineOf(jq)));
}

function engineOf(jq: JqWeb): JqEngine {
  const run = (program: string, input: unknown): unknown[] => {
    try {
      // One output value: the array of the program's outputs (jq prints several outputs on several lines).
      return jq.json(input === undefined ? null : input, `[${program}\n]`) as unknown[];
    } catch (error) {
      throw toJqError(error);
    }
  };
  return {
    run,
    raw(text, program) {
      try {
        return jq.raw(text, program, ['-c']).trimEnd();
      } catch (error) {
        throw toJqError(error);
      }
    },
    compileError(program) {
      try {
        jq.raw('null', `[${program}\n] | empty`, ['-n']);
        return undefined;
      } catch (error) {
        const failure = toJqError(error);
        return failure.phase === 'compile' ? failure.message : undefined;
      }
    },
  };
}

function toJqError(error: unknown): JqError {
  const { exitCode, stderr, message } = (error ?? {}) as { exitCode?: number; stderr?: string; message?: string };
  const text = (stderr ?? message ?? String(error))
    .replace(/^Non-zero exit code: \d+\n/, '')
    .replace(/\njq: \d+ compile errors?$/, '')
    .replace(/^jq: error \(at [^)]*\)(?: \(not a string\))?: /, '')
    .replace(/^jq: error: /, '')
    .trim();
  return new JqError(text, exitCode === 3 ? 'compile' : 'runtime');
}
