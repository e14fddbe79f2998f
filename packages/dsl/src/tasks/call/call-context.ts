/** What every `call` executor receives besides its arguments. */
import type { WorkflowDocument } from '../../definition/definition.js';
import type { InterpreterOptions } from '../../runtime/interpreter-options.js';

export interface CallContext {
  /**
   * The interpreter's options. OAuth2 tokens and OpenAPI documents are cached per options object
   * (instances, not process-wide tables): pass the same object on every call of one interpreter.
   */
  options: InterpreterOptions;
  /** The workflow's `use` section: named authentication policies (`use.authentications`) live there. */
  use: WorkflowDocument['use'];
  /** Aborts the call (run cancelled, task timed out); the abort reason is rethrown as it is. */
  signal: AbortSignal;
  /** Evaluates the runtime expressions in a value (deeply) against the task's input and arguments. */
  evaluate(value: unknown): Promise<unknown>;
}

/** A call context plus the task's JSON pointer, which every fault carries as its `instance`. */
export interface CallScope extends CallContext {
  instance: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
