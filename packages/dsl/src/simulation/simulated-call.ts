/**
 * `call` in a simulation (http, openapi, grpc, asyncapi, a2a, a `use.functions` function): the call is
 * resolved and its arguments evaluated as in production (so a wrong expression faults the same way),
 * but nothing is sent. The answer comes from the scenario, else a sample of the task's
 * `output.schema`, else `{}`. It runs inside the task's step, so the answer is journaled.
 */
import { resolveCall } from '../tasks/call.js';
import type { LeafExecutor } from '../tasks/executor.js';
import type { ScenarioAnswers } from './scenario-answers.js';
import { outputSchemaOf, sampleOf } from './schema-sample.js';

export function simulatedCall(answers: ScenarioAnswers): LeafExecutor {
  return {
    kind: 'leaf',
    async perform(invocation) {
      await resolveCall(invocation);
      const { site, task } = invocation;
      const answered = answers.answer(site);
      if (answered !== undefined) return answered;
      const schema = outputSchemaOf(task);
      if (schema !== undefined) return { output: sampleOf(schema, site.name), answeredBy: 'schema' };
      return { output: {}, answeredBy: 'default' };
    },
  };
}
