/**
 * `run` in a simulation: `workflow` answered like `baton.workflow` (scenario, else the catalog's
 * output schema), `shell` and `script` from the scenario or `{}`; nothing is started. `await: false`
 * gives the task's input, as in production. `container` faults as it does in production: Baton never
 * runs one, and a simulation should not pretend it would.
 */
import { runExecutor } from '../tasks/run.js';
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import { standardFault } from '../runtime/workflow-fault.js';
import type { CompoundExecutor } from '../tasks/executor.js';
import { workflowAnswer } from './catalog-answers.js';
import type { ScenarioAnswers } from './scenario-answers.js';
import { answeredFlow, journaledAnswer } from './simulated-answer.js';

export function simulatedRun(answers: ScenarioAnswers, catalog: PlanningCatalog | undefined): CompoundExecutor {
  return {
    kind: 'compound',
    async perform(invocation) {
      const { task, input, scope, frame, site } = invocation;
      const run = (task.run ?? {}) as Record<string, unknown>;
      if (run.container !== undefined || (run.workflow === undefined && run.shell === undefined && run.script === undefined)) {
        return runExecutor.perform(invocation);
      }
      const wait = run.await !== false;
      let answer: () => ReturnType<typeof workflowAnswer>;
      if (run.workflow !== undefined) {
        const spec = run.workflow as { namespace?: unknown; name?: unknown; version?: unknown; input?: unknown };
        if (typeof spec.namespace !== 'string' || typeof spec.name !== 'string') {
          throw standardFault('configuration', 'run.workflow needs a namespace and a name.', { instance: site.reference });
        }
        const name = `${spec.namespace}.${spec.name}`;
        const version = typeof spec.version === 'string' && spec.version !== 'latest' ? spec.version : undefined;
        if (spec.input !== undefined) await frame.evaluator.template(spec.input, input, scope);
        answer = () => workflowAnswer(answers, catalog, site, name, version);
      } else {
        answer = () => answers.answer(site) ?? { output: {}, answeredBy: 'default' };
      }
      const answered = await journaledAnswer(frame, site, answer);
      return wait ? answeredFlow(answered) : { output: input, answeredBy: answered.answeredBy };
    },
  };
}
