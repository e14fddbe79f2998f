/**
 * `switch`: the first case whose `when` holds (a case without `when` is the default) gives the flow
 * directive; with no match the task's own `then` applies. The output is the input. Evaluated inside
 * the task's step, so the decision is journaled. It names the case it took (`none` without one), for
 * a simulation's path.
 */
import type { LeafExecutor, LeafOutcome } from './executor.js';

type SwitchCase = { when?: string; then?: string };

export const switchExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame }) {
    const cases = (task.switch ?? []) as Record<string, SwitchCase>[];
    let fallback: [string, SwitchCase] | undefined;
    for (const item of cases) {
      const entry = Object.entries(item)[0];
      if (entry === undefined) continue;
      const choice = entry[1];
      if (choice.when === undefined) {
        fallback ??= entry;
        continue;
      }
      if (await frame.evaluator.test(choice.when, input, scope)) return thenOf(input, entry[0], choice);
    }
    return fallback === undefined ? { output: input, branch: 'none' } : thenOf(input, fallback[0], fallback[1]);
  },
};

function thenOf(input: unknown, name: string, choice: SwitchCase): LeafOutcome {
  return choice.then === undefined ? { output: input, branch: name } : { output: input, then: choice.then, branch: name };
}
