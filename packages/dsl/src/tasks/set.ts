/** `set`: the task's output is the given value, with its runtime expressions evaluated on the input (one jq call). */
import type { LeafExecutor } from './executor.js';

export const setExecutor: LeafExecutor = {
  kind: 'leaf',
  perform({ task, input, scope, frame }) {
    const set = task.set;
    if (typeof set === 'string') return { output: frame.evaluator.expression(set, input, scope) };
    return { output: frame.evaluator.template(set, input, scope) };
  },
};
