/**
 * Batches jq calls. jq (WebAssembly) costs ~1 ms a call whatever the program, as it compiles its
 * builtins each time; the interpreter's steps of many concurrent runs ask for evaluations at about
 * the same moment, so the requests that arrive within one turn of the event loop are run as ONE jq
 * program: `[(.[0] | try ([p0] | {ok: .}) catch {error: .}), (.[1] | …), …]`. Each request keeps
 * its own outputs or its own runtime error. Should the combined program fail as a whole (a compile
 * error, `halt_error`), every request runs on its own, so each gets exactly what jq says of it.
 */
import { JqError, type JqEngine } from '../expressions/jq-engine.js';

interface Request {
  program: string;
  input: unknown;
  resolve(outputs: unknown[]): void;
  reject(error: unknown): void;
}

type Answer = { ok: unknown[] } | { error: unknown };

export class JqBatcher {
  readonly #jq: JqEngine;
  #queue: Request[] = [];

  constructor(jq: JqEngine) {
    this.#jq = jq;
  }

  /** Every output of `program` on `input` (as JqEngine.run), possibly evaluated with others. */
  run(program: string, input: unknown): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ program, input, resolve, reject });
      if (this.#queue.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 1) return this.#alone(batch[0]!);
    let answers: Answer[];
    try {
      const program = `[${batch.map((r, i) => `(.[${i}] | try ([${r.program}\n] | {ok: .}) catch {error: .})`).join(', ')}]`;
      answers = this.#jq.run(
        program,
        batch.map((r) => r.input),
      )[0] as Answer[];
    } catch {
      for (const request of batch) this.#alone(request);
      return;
    }
    batch.forEach((request, i) => {
      const answer = answers[i]!;
      if ('ok' in answer) request.resolve(answer.ok);
      else request.reject(new JqError(typeof answer.error === 'string' ? answer.error : `${JSON.stringify(answer.error)} (not a string)`, 'runtime'));
    });
  }

  #alone(request: Request): void {
    try {
      request.resolve(this.#jq.run(request.program, request.input));
    } catch (error) {
      request.reject(error);
    }
  }
}
