/**
 * The journaled answer of a compound task a simulation stands in for (`baton.*` calls, `run`,
 * `listen`): computed once inside a step of its own, so a replay gets the same answer without
 * drawing from the scenario again, and a scenario's error is journaled as the task's fault.
 */
import { guardedStep } from '../runtime/journaled.js';
import { stepName } from '../runtime/run-frame.js';
import type { Flow, RunFrame, TaskSite } from '../tasks/executor.js';
import type { Answered } from './scenario-answers.js';

export async function journaledAnswer(frame: RunFrame, site: TaskSite, answer: () => Answered | Promise<Answered>): Promise<Answered> {
  return guardedStep(frame, stepName(site, 'answer'), site.reference, answer);
}

/** The task's flow for an answer. */
export function answeredFlow(answered: Answered): Flow {
  return { output: answered.output, answeredBy: answered.answeredBy };
}
