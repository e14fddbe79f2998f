/** `set`: the task's output is the given value, with its runtime expressions evaluated on the input (one jq call). */
import type { LeafExecutor } from './executor.js';

export const setExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame }) {
    const set = task.set;
    if (typeof set === 'string') return { output: await frame.evaluator.expression(set, input, scope) };
    return { output: await frame.evaluator.template(set, input, scope) };
  },
};
