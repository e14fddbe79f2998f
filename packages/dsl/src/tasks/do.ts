/** `do`: runs its tasks in order (following their flow directives); its output is the last one's. */
import type { CompoundExecutor, TaskList } from './executor.js';

export const doExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, site, runList }) {
    const flow = await runList(task.do as TaskList, `${site.reference}/do`, input);
    // `exit` ends this task's list, not the list the task is in.
    return flow.end === true ? flow : { output: flow.output };
  },
};
