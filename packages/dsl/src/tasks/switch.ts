/**
 * `switch`: the first case whose `when` holds (a case without `when` is the default) gives the flow
 * directive; with no match the task's own `then` applies. The output is the input. Evaluated inside
 * the task's step, so the decision is journaled.
 */
import type { LeafExecutor } from './executor.js';

type SwitchCase = { when?: string; then?: string };

export const switchExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame }) {
    const cases = (task.switch ?? []) as Record<string, SwitchCase>[];
    let fallback: SwitchCase | undefined;
    for (const item of cases) {
      const choice = Object.values(item)[0];
      if (choice === undefined) continue;
      if (choice.when === undefined) {
        fallback ??= choice;
        continue;
      }
      if (await frame.evaluator.test(choice.when, input, scope)) return thenOf(input, choice);
    }
    return fallback === undefined ? { output: input } : thenOf(input, fallback);
  },
};

function thenOf(input: unknown, choice: SwitchCase): { output: unknown; then?: string } {
  return choice.then === undefined ? { output: input } : { output: input, then: choice.then };
}
