/** PLACEHOLDER (replaced by the interpreter work before this lands): runs only constant `set` tasks. */
import { defineWorkflow, type AnyWorkflow } from '@baton/core';
import type { Definition } from '../definition/definition.js';
import type { InterpreterOptions } from './interpreter-options.js';

/** The Baton workflow that runs `definition` (name `<namespace>.<name>`, version `document.version`). */
export function definitionWorkflow(definition: Definition, _options: InterpreterOptions = {}): AnyWorkflow {
  return defineWorkflow(
    { name: definition.workflowName, version: definition.version, description: definition.document.document.summary },
    async (ctx, input) => {
      let output: unknown = input;
      for (const item of definition.document.do) {
        for (const [name, task] of Object.entries(item)) {
          const set = (task as { set?: unknown }).set;
          output = await ctx.step(`/do/${name}`, () => set);
        }
      }
      return output;
    },
  );
}
