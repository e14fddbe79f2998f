/** Journaled building blocks shared by the task runner and the compound executors. */
import { faultAt } from './faults.js';
import type { RunFrame } from '../tasks/executor.js';
import { standardFault } from './workflow-fault.js';

/** A step whose failure is the DSL error at `instance` (never retried by Baton: the DSL's `try` decides). */
export async function guardedStep<T>(frame: RunFrame, name: string, instance: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await frame.ctx.step(
      name,
      async () => {
        try {
          return await fn();
        } catch (error) {
          throw faultAt(error, instance);
        }
      },
      { retry: { maxAttempts: 1 } },
    );
  } catch (error) {
    throw faultAt(error, instance);
  }
}

/** Races a compound task with a durable timer: the timer wins with a timeout error (408). */
export async function withTimeout<T>(frame: RunFrame, site: { reference: string; qualifier: string }, body: Promise<T>, timeoutMs: number): Promise<T> {
  let timedOut = false;
  const timer = frame.ctx.sleep(timeoutMs).then(() => {
    timedOut = true;
  });
  const winner = await Promise.race([body.then((value) => ({ value })), timer.then(() => undefined)]);
  if (winner === undefined || timedOut) {
    body.catch(() => undefined);
    throw standardFault('timeout', `The task did not finish within ${timeoutMs} ms.`, { instance: site.reference });
  }
  return winner.value;
}
