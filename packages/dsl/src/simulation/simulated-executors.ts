/**
 * The stand-in executors of a simulation, by task kind: whatever would reach outside the process
 * (calls, processes, child runs, models, people, timers, events from elsewhere) is answered instead.
 * `emit` runs for real (it writes to the simulation's private store only), as do `set`, `raise`,
 * `switch`, `for`, `fork`, `try` and `do`.
 */
import { durationMs } from '../runtime/duration.js';
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import type { CompoundExecutor, TaskExecutor } from '../tasks/executor.js';
import { A2A_CALL_KIND, BATON_CALL_KIND } from '../tasks/registry.js';
import type { ScenarioAnswers } from './scenario-answers.js';
import { simulatedBatonCall } from './simulated-baton-call.js';
import { simulatedCall } from './simulated-call.js';
import { simulatedListen } from './simulated-listen.js';
import { simulatedRun } from './simulated-run.js';

/** `wait` goes on at once (its duration still checked): its output is its input. */
const simulatedWait: CompoundExecutor = {
  kind: 'compound',
  perform: ({ task, input, site }) => {
    durationMs(task.wait, `The wait of ${site.reference}`);
    return Promise.resolve({ output: input, answeredBy: 'default' });
  },
};

export function simulatedExecutors(answers: ScenarioAnswers, catalog: PlanningCatalog | undefined): ReadonlyMap<string, TaskExecutor> {
  return new Map<string, TaskExecutor>([
    ['call', simulatedCall(answers)],
    // `call: a2a` is a task kind of its own; simulated like any call, nothing is sent.
    [A2A_CALL_KIND, simulatedCall(answers)],
    [BATON_CALL_KIND, simulatedBatonCall(answers, catalog)],
    ['run', simulatedRun(answers, catalog)],
    ['listen', simulatedListen(answers)],
    ['wait', simulatedWait],
  ]);
}
