/**
 * `for`: runs `do` once per item of the collection `for.in` (evaluated on the input), with the item
 * as `$<each>` (default `$item`) and its position as `$<at>` (default `$index`); each iteration's
 * input is the previous one's output, and `while` (when given) must hold before each iteration.
 * The collection and each `while` decision are journaled; iteration steps carry ` #<n>`.
 */
import { guardedStep } from '../runtime/journaled.js';
import { nestedQualifier, stepName } from '../runtime/run-frame.js';
import { standardFault } from '../runtime/workflow-fault.js';
import type { CompoundExecutor, TaskList } from './executor.js';

type ForSpec = { each?: string; in: string; at?: string };

export const forExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, scope, frame, site, runList }) {
    const spec = task.for as ForSpec;
    const each = spec.each ?? 'item';
    const at = spec.at ?? 'index';
    const items = await guardedStep(frame, stepName(site, 'in'), site.reference, async () => {
      const collection = await frame.evaluator.expression(spec.in, input, scope);
      if (collection === null) return [];
      if (Array.isArray(collection)) return collection as unknown[];
      if (typeof collection === 'object') return Object.values(collection);
      throw standardFault('expression', `for.in must give an array, not ${JSON.stringify(collection)}.`);
    });
    const whileExpression = task.while as string | undefined;
    let value = input;
    for (let index = 0; index < items.length; index++) {
      const qualifier = nestedQualifier(site.qualifier, index + 1);
      const vars = { [each]: items[index], [at]: index };
      if (whileExpression !== undefined) {
        const current = value;
        const proceed = await guardedStep(frame, stepName({ reference: site.reference, qualifier }, 'while'), site.reference, () =>
          frame.evaluator.test(whileExpression, current, { ...scope, ...vars, input: current }),
        );
        if (!proceed) break;
      }
      const flow = await runList(task.do as TaskList, `${site.reference}/do`, value, { vars, qualifier });
      if (flow.end === true) return flow;
      value = flow.output;
    }
    return { output: value };
  },
};
