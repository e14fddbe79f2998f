/**
 * `call`: the task's step evaluates `with` (all but `with.authentication`, which the call evaluates
 * itself) and performs the call; the data flow around it is the task runner's.
 */
import { performCall } from './call/perform-call.js';
import type { LeafExecutor } from './executor.js';

export const callExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame, site, signal }) {
    const { authentication, ...rest } = (task.with ?? {}) as Record<string, unknown>;
    const evaluated = (await frame.evaluator.template(rest, input, scope)) as Record<string, unknown>;
    if (authentication !== undefined) evaluated.authentication = authentication;
    const output = await performCall(
      { call: String(task.call), with: evaluated, input, reference: site.reference },
      {
        options: frame.options,
        use: frame.document.use,
        signal,
        evaluate: (value) => frame.evaluator.template(value, input, scope),
      },
    );
    return { output };
  },
};
