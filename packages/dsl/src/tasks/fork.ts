/**
 * `fork`: runs its branches concurrently, each on a ctx of a BranchSequencer so their journal
 * positions are the same on replay. Without `compete` the output is the array of the branches'
 * outputs in declaration order (the first failure faults the task). With `compete: true` the first
 * branch to complete wins: which one is journaled (a replay picks the same), the others issue
 * nothing more, and the output is the winner's; when every branch fails, the first failure faults
 * the task.
 */
import { BranchSequencer } from '../runtime/branch-sequencer.js';
import { guardedStep } from '../runtime/journaled.js';
import { stepName } from '../runtime/run-frame.js';
import type { CompoundExecutor, Flow, TaskDefinition } from './executor.js';

type ForkSpec = { branches?: Readonly<Record<string, TaskDefinition>>[]; compete?: boolean };

export const forkExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, frame, site, runTask }) {
    const spec = (task.fork ?? {}) as ForkSpec;
    const branches = spec.branches ?? [];
    const sequencer = new BranchSequencer(frame.ctx, branches.length);
    let firstWinner: number | undefined;
    const runs = branches.map((branch, index) => {
      const [name, definition] = Object.entries(branch)[0] ?? ['', {}];
      const run = runTask(name, definition, `${site.reference}/fork/branches/${index}/${name}`, input, { ctx: sequencer.contextFor(index) });
      return run.then(
        (flow) => {
          if (spec.compete === true && firstWinner === undefined) {
            // Decided: no branch issues anything more, before anything else can run.
            firstWinner = index;
            sequencer.close();
          }
          sequencer.end(index);
          return flow;
        },
        (error: unknown) => {
          // Without compete the fork has failed: the other branches issue nothing more.
          if (spec.compete !== true) sequencer.close();
          sequencer.end(index);
          throw error;
        },
      );
    });
    if (spec.compete !== true) {
      const flows = await Promise.all(runs);
      return flows.find((flow) => flow.end === true) ?? { output: flows.map((flow) => flow.output) };
    }
    const outcome = await new Promise<{ won: true } | { won: false; error: unknown }>((resolve) => {
      let failed = 0;
      let firstError: unknown;
      for (const run of runs) {
        run.then(
          () => resolve({ won: true }),
          (error: unknown) => {
            firstError ??= error;
            if (++failed === runs.length) resolve({ won: false, error: firstError });
          },
        );
      }
      if (runs.length === 0) resolve({ won: false, error: undefined });
    });
    if (!outcome.won) {
      if (outcome.error !== undefined) throw outcome.error;
      return { output: [] };
    }
    const live = firstWinner!;
    const winner = await guardedStep(frame, stepName(site, 'winner'), site.reference, () => live);
    return (await runs[winner]!) satisfies Flow;
  },
};
