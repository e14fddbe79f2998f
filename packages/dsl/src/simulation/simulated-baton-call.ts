/**
 * Baton's functions in a simulation (`call: baton.workflow | llm | agent | approval`): `with` is
 * evaluated as in production, then the function's stand-in answers (see simulated-model.ts,
 * simulated-approval.ts, catalog-answers.ts), journaled in a step of the task's own.
 */
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import { standardFault } from '../runtime/workflow-fault.js';
import { batonCallArguments } from '../tasks/baton/baton-call.js';
import type { BatonCallInvocation } from '../tasks/baton/baton-function.js';
import type { CompoundExecutor } from '../tasks/executor.js';
import { workflowAnswer } from './catalog-answers.js';
import type { Answered, ScenarioAnswers } from './scenario-answers.js';
import { answeredFlow, journaledAnswer } from './simulated-answer.js';
import { approvalAnswer } from './simulated-approval.js';
import { agentAnswer, modelAnswer } from './simulated-model.js';

export function simulatedBatonCall(answers: ScenarioAnswers, catalog: PlanningCatalog | undefined): CompoundExecutor {
  const stands: Record<string, (invocation: BatonCallInvocation) => () => Answered> = {
    workflow: (invocation) => calledWorkflow(answers, catalog, invocation),
    llm: (invocation) => modelAnswer(answers, invocation),
    agent: (invocation) => agentAnswer(answers, invocation),
    approval: (invocation) => approvalAnswer(answers, invocation),
  };
  return {
    kind: 'compound',
    async perform({ task, input, scope, frame, site }) {
      const { name, args } = await batonCallArguments(task, input, scope, frame, site);
      const stand = stands[name];
      if (stand === undefined) throw standardFault('configuration', `call: baton.${name} has no simulation.`, { instance: site.reference });
      const answer = stand({ args, input, scope, frame, site });
      return answeredFlow(await journaledAnswer(frame, site, answer));
    },
  };
}

/** `baton.workflow`: the arguments checked as in production, the answer from the scenario or the catalog. */
function calledWorkflow(answers: ScenarioAnswers, catalog: PlanningCatalog | undefined, { args, site }: BatonCallInvocation): () => Answered {
  const { name, version } = args as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || name === '') throw standardFault('configuration', 'call: baton.workflow needs with.name, the workflow to run.');
  if (version !== undefined && typeof version !== 'string') throw standardFault('configuration', 'with.version of call: baton.workflow is a string.');
  return () => workflowAnswer(answers, catalog, site, name, version);
}
