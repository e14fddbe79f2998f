/**
 * `baton.approval` in a simulation: nobody is asked and the run does not wait. The arguments are
 * checked as in production (signal, title, form, timeout); the answer is the scenario's (by task
 * pointer, task name, signal, or `*`), else a sample of the form. Either is checked against the form
 * as the real wait checks a person's signal: an answer that does not fit faults the task with the
 * validation error production would raise.
 */
import { durationMs } from '../runtime/duration.js';
import { standardFault } from '../runtime/workflow-fault.js';
import { approvalSignal } from '../tasks/baton/approval-signals.js';
import type { BatonCallInvocation } from '../tasks/baton/baton-function.js';
import { zodFromJsonSchema } from '../tasks/baton/json-schema.js';
import { textArgument } from '../tasks/baton/model-options.js';
import type { Answered, ScenarioAnswers } from './scenario-answers.js';
import { sampleOf } from './schema-sample.js';

const CALL = 'call: baton.approval';

export function approvalAnswer(answers: ScenarioAnswers, { args, site }: BatonCallInvocation): () => Answered {
  const signal = approvalSignal(args.signal);
  const title = textArgument(args.title, 'title', CALL);
  if (args.form === undefined) throw standardFault('configuration', `${CALL} needs with.form, the JSON Schema of the answer.`);
  const schema = zodFromJsonSchema(args.form, `with.form of ${CALL}`);
  if (args.timeout !== undefined) durationMs(args.timeout, `with.timeout of ${CALL}`);
  if (args.description !== undefined) textArgument(args.description, 'description', CALL);
  return () => {
    const given = answers.approval(site, signal);
    const data = given === undefined ? sampleOf(args.form, title) : given.data;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const list = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
      throw standardFault('validation', `The answer to '${title}' does not fit its form: Invalid signal '${signal}': ${list}.`);
    }
    return { output: parsed.data, answeredBy: given === undefined ? 'schema' : 'scenario' };
  };
}
