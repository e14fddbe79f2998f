/**
 * `try`/`catch`: runs `try`; an error that passes `catch.errors.with`, `catch.when` and
 * `catch.exceptWhen` is caught, bound as `$<catch.as>` (default `$error`). A `catch.retry` policy
 * runs `try` again after a durable back-off (`ctx.sleep`), its steps qualified ` #<attempt>`; when it
 * allows no more attempts (or there is none), `catch.do` runs, else the task's output is its input.
 * Engine errors (cancellation, non-determinism) are never caught.
 */
import { faultOf } from '../runtime/faults.js';
import { guardedStep } from '../runtime/journaled.js';
import { nestedQualifier, stepName } from '../runtime/run-frame.js';
import type { WorkflowErrorObject } from '../runtime/workflow-fault.js';
import { matchesFilter } from './error-filter.js';
import type { CompoundExecutor, TaskList } from './executor.js';
import { nextDelay, resolveRetry } from './retry-policy.js';

interface CatchSpec {
  errors?: { with?: Partial<WorkflowErrorObject> };
  as?: string;
  when?: string;
  exceptWhen?: string;
  retry?: unknown;
  do?: TaskList;
}

export const tryExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, scope, frame, site, runList }) {
    const handler = (task.catch ?? {}) as CatchSpec;
    const policy = handler.retry === undefined ? undefined : resolveRetry(handler.retry, frame.document.use?.retries as Record<string, unknown> | undefined);
    // Attempt start times cost a journal entry each: only duration limits need them.
    const timed = policy?.limit?.duration !== undefined || policy?.limit?.attempt?.duration !== undefined;
    let firstStart = 0;
    for (let attempt = 1; ; attempt++) {
      const qualifier = attempt === 1 ? site.qualifier : nestedQualifier(site.qualifier, attempt);
      const attemptStart = timed ? await guardedStep(frame, stepName({ reference: site.reference, qualifier }, 'start'), site.reference, () => Date.now()) : 0;
      if (attempt === 1) firstStart = attemptStart;
      try {
        const flow = await runList(task.try as TaskList, `${site.reference}/try`, input, { qualifier });
        return flow.end === true ? flow : { output: flow.output };
      } catch (failure) {
        const error = faultOf(failure);
        if (error === undefined || !matchesFilter(handler.errors?.with, error)) throw failure;
        const vars = { [handler.as ?? 'error']: error };
        const needsDecision = handler.when !== undefined || handler.exceptWhen !== undefined || policy !== undefined;
        const decision = !needsDecision
          ? { caught: true, delay: undefined }
          : await guardedStep(frame, stepName({ reference: site.reference, qualifier }, 'catch'), site.reference, async () => {
              const catchScope = { ...scope, ...vars };
              if (handler.when !== undefined && !(await frame.evaluator.test(handler.when, error, catchScope))) return { caught: false, delay: undefined };
              if (handler.exceptWhen !== undefined && (await frame.evaluator.test(handler.exceptWhen, error, catchScope)))
                return { caught: false, delay: undefined };
              if (policy === undefined) return { caught: true, delay: undefined };
              const now = Date.now();
              const state = { attempt, elapsedMs: now - firstStart, attemptElapsedMs: now - attemptStart, random: Math.random() };
              return { caught: true, delay: await nextDelay(policy, state, frame.evaluator, error, catchScope) };
            });
        if (!decision.caught) throw failure;
        if (decision.delay !== undefined) {
          // A simulation shows the attempts without waiting for their back-offs.
          if (decision.delay > 0 && frame.simulation?.skipDelays !== true) await frame.ctx.sleep(decision.delay);
          continue;
        }
        if (policy !== undefined && handler.do === undefined) throw failure;
        if (handler.do === undefined) return { output: input };
        const flow = await runList(handler.do, `${site.reference}/catch/do`, input, { vars });
        return flow.end === true ? flow : { output: flow.output };
      }
    }
  },
};
