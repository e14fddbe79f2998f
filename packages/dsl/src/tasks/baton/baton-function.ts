/**
 * What one of Baton's functions (`call: baton.<name>`) is: an async function of its evaluated `with`
 * and the task's place in the run. Each lives in a file of its own; baton-call.ts maps names to them.
 */
import type { Scope } from '../../runtime/evaluator.js';
import type { RunFrame, TaskSite } from '../executor.js';

export interface BatonCallInvocation {
  /** `with`, evaluated (its JSON Schemas as written). */
  readonly args: Readonly<Record<string, unknown>>;
  readonly input: unknown;
  readonly scope: Scope;
  readonly frame: RunFrame;
  readonly site: TaskSite;
}

export type BatonCall = (invocation: BatonCallInvocation) => Promise<unknown>;
