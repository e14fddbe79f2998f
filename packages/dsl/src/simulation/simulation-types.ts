/**
 * Simulation: running a definition with nothing leaving the process, to see what it will do. Calls
 * are answered from the scenario or from their output schemas, waits are skipped, approvals answered
 * as the scenario says, model tasks by scripted answers. The result is the path taken.
 */
import type { DefinitionIssue } from '../definition/definition.js';
import type { WorkflowErrorObject } from '../runtime/workflow-fault.js';

/** What a simulated task answers: its raw output, or a DSL error it raises. */
export type ScenarioAnswer =
  { readonly output: unknown } | { readonly error: { readonly type?: string; readonly status: number; readonly title?: string; readonly detail?: string } };

/**
 * How the outside world answers in one simulation. Keys are a task's name or its JSON pointer
 * (`/do/2/checkCredit`); a pointer wins over a name. A list answers successive calls of that task
 * in order (loops, retries), its last entry repeating.
 */
export interface Scenario {
  /** Calls (`call: http|openapi|grpc|asyncapi|<function>`, `baton.workflow`, `baton.llm`, `baton.agent`) and `run` tasks. */
  readonly tasks?: Readonly<Record<string, ScenarioAnswer | readonly ScenarioAnswer[]>>;
  /** Approvals' answers (the signal's data), by task name, pointer or signal name; `*` answers any other. */
  readonly approvals?: Readonly<Record<string, unknown>>;
  /** Events a `listen` receives, by event type: each the event's `data` (or the whole envelope with `read: envelope`). */
  readonly events?: Readonly<Record<string, readonly unknown[]>>;
}

/** Where a simulated task's answer came from. */
export type AnswerSource = 'scenario' | 'schema' | 'default' | 'model';

/** One task the run went through, in the order tasks started. */
export interface SimulatedTask {
  /** The task's JSON pointer. */
  readonly reference: string;
  readonly name: string;
  /** The task kind (`call`, `baton.call`, `switch`, `for`…). */
  readonly kind: string;
  /** Nesting depth (0 for the top-level `do`'s tasks). */
  readonly depth: number;
  /** '' or the loop/attempt qualifier (`#2`). */
  readonly qualifier: string;
  readonly status: 'completed' | 'skipped' | 'faulted';
  /** A switch: the case taken (its name), or `default`, or `none`. */
  readonly branch?: string;
  /** The flow directive taken after the task (`continue`, `exit`, `end`, or a task name), when not `continue`. */
  readonly then?: string;
  /** For simulated tasks (calls, approvals, models, waits, listens): where the answer came from. */
  readonly answeredBy?: AnswerSource;
  readonly output?: unknown;
  readonly error?: WorkflowErrorObject;
}

export interface SimulationResult {
  /** `invalid`: the definition did not validate (see issues) and nothing ran; `stopped`: a bound (tasks or time) was hit. */
  readonly status: 'completed' | 'faulted' | 'invalid' | 'stopped';
  readonly output?: unknown;
  /** The DSL error that ended the run (faulted), or why it stopped. */
  readonly error?: WorkflowErrorObject;
  readonly issues?: readonly DefinitionIssue[];
  readonly path: readonly SimulatedTask[];
  /** Wall time of the simulation. */
  readonly durationMs: number;
}
