/**
 * `fork`: runs its branches concurrently (Promise.all over branches, so journal positions stay in
 * call order). Without `compete` the output is the array of the branches' outputs, in order; with
 * `compete: true` the first branch to finish wins (the order seen live is journaled, so a replay
 * picks the same winner) and the others' results are ignored.
 */
import { isFault } from '../runtime/faults.js';
import { guardedStep } from '../runtime/journaled.js';
import { stepName } from '../runtime/run-frame.js';
import type { CompoundExecutor, Flow, TaskDefinition } from './executor.js';

type ForkSpec = { branches?: Readonly<Record<string, TaskDefinition>>[]; compete?: boolean };

export const forkExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, frame, site, runTask }) {
    const spec = (task.fork ?? {}) as ForkSpec;
    const branches = spec.branches ?? [];
    const finished: number[] = [];
    const runs = branches.map((branch, index) => {
      const [name, definition] = Object.entries(branch)[0] ?? ['', {}];
      return runTask(name, definition, `${site.reference}/fork/branches/${index}/${name}`, input).then((flow) => {
        finished.push(index);
        return flow;
      });
    });
    if (spec.compete !== true) {
      const flows = await Promise.all(runs);
      const ended = flows.find((flow) => flow.end === true);
      return ended ?? { output: flows.map((flow) => flow.output) };
    }
    const settled = await Promise.allSettled(runs);
    const firstDone = finished[0];
    const winner = await guardedStep(frame, stepName(site, 'winner'), site.reference, () => firstDone ?? -1);
    const won = settled[winner];
    if (won?.status === 'fulfilled') return won.value satisfies Flow;
    const failure = settled.find((s) => s.status === 'rejected');
    const reason: unknown = failure?.status === 'rejected' ? failure.reason : undefined;
    if (reason !== undefined && !isFault(reason)) throw reason;
    throw reason ?? new Error('No branch of the fork finished.');
  },
};
