/**
 * `call: baton.approval` with `{ signal? (default 'approval'), title, description?, form, timeout? }`:
 * the run waits (suspended, for as long as it takes) for a person's signal whose data is checked
 * against `form`, a JSON Schema. The interpreter declares each approval's signal with its form (see
 * approval-signals.ts), so the inbox lists the run, the API publishes the form, and data that does
 * not fit it is refused to its sender. While it waits, the run's progress shows the title, the
 * description and the form, and names the task by its JSON pointer (the dashboard marks that task
 * of the definition's graph as waiting). The output is the signal's data; `timeout` (a DSL
 * duration) ends the wait with a timeout error (408) that a `try` can catch. `escalation` is the
 * wait's escalation policy (approval-escalation.ts): reminders, reassignment, notifications and a
 * decision by default while nobody answers.
 */
import { TIMED_OUT, hasErrorCode, errorMessage } from '@baton/core';
import { durationMs } from '../../runtime/duration.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import type { BatonCall } from './baton-function.js';
import { approvalSignal } from './approval-signals.js';
import { approvalEscalation } from './approval-escalation.js';
import { zodFromJsonSchema } from './json-schema.js';
import { textArgument } from './model-options.js';

const CALL = 'call: baton.approval';

export const approvalCall: BatonCall = async ({ args, frame, site }) => {
  const signal = approvalSignal(args.signal);
  const title = textArgument(args.title, 'title', CALL);
  if (args.form === undefined) throw standardFault('configuration', `${CALL} needs with.form, the JSON Schema of the answer.`);
  const schema = zodFromJsonSchema(args.form, `with.form of ${CALL}`);
  const timeoutMs = args.timeout === undefined ? undefined : durationMs(args.timeout, `with.timeout of ${CALL}`);
  const escalation = args.escalation === undefined ? undefined : approvalEscalation(args.escalation, CALL);
  const request: Record<string, unknown> = { waitingFor: 'approval', task: site.reference, signal, title, form: args.form };
  if (args.description !== undefined) request.description = textArgument(args.description, 'description', CALL);
  frame.ctx.setProgress(request);
  let answer: unknown;
  try {
    const options = { schema, ...(escalation === undefined ? {} : { escalation }) };
    answer =
      timeoutMs === undefined ? await frame.ctx.waitForSignal(signal, options) : await frame.ctx.waitForSignal(signal, { ...options, timeout: timeoutMs });
  } catch (error) {
    if (hasErrorCode(error, 'BATON_INVALID_SIGNAL'))
      throw standardFault('validation', `The answer to '${title}' does not fit its form: ${errorMessage(error)}`);
    throw error;
  }
  if (answer === TIMED_OUT) {
    frame.ctx.setProgress({ approval: { task: site.reference, signal, title, timedOut: true } });
    throw standardFault('timeout', `No answer to '${title}' (signal '${signal}') came within ${timeoutMs} ms.`);
  }
  frame.ctx.setProgress({ approval: { task: site.reference, signal, title, answered: true } });
  return answer;
};
