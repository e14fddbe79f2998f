/** One API call per run, a few at a time, gathering which went through and why the others were refused. */
import { describeError } from './errors.js';

/** What calls on several runs did: how many went through, and the runs the server refused, with why. */
export interface EachOutcome {
  done: number;
  refused: { id: string; code: string | undefined; message: string }[];
}

/** Calls `call` for each run id, `parallel` at a time, and gathers what each call did. */
export async function callEach(ids: readonly string[], call: (id: string) => Promise<unknown>, parallel = 4): Promise<EachOutcome> {
  const outcome: EachOutcome = { done: 0, refused: [] };
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await call(id);
        outcome.done++;
      } catch (error) {
        const problem = describeError(error);
        outcome.refused.push({ id, code: problem.code, message: problem.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
  return outcome;
}
