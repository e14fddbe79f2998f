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
 * in order (loops, retries), its last entry repeating. A task the scenario says nothing of is
 * answered from a schema where there is one, else by a default (see AnswerSource).
 */
export interface Scenario {
  /**
   * Calls (`call: http|openapi|grpc|asyncapi|<function>`, `baton.workflow`, `baton.llm`,
   * `baton.agent`) and `run` tasks (`workflow`, `shell`, `script`). `{ output }` is the task's raw
   * output (before `output.as`); `{ error: { status, type?, title?, detail? } }` raises that DSL error
   * (a communication error unless `type` says otherwise), which a `try` can catch. For `baton.llm` and
   * `baton.agent` the output may be the whole result, or only its text (a string) or its structured
   * object (any other value without a `text`): the rest of the result is filled in.
   */
  readonly tasks?: Readonly<Record<string, ScenarioAnswer | readonly ScenarioAnswer[]>>;
  /**
   * Approvals' answers (the signal's data), by task pointer, task name or signal name; `*` answers
   * any other. Checked against the approval's form as a person's answer is: one that does not fit
   * faults the task with a validation error.
   */
  readonly approvals?: Readonly<Record<string, unknown>>;
  /**
   * Events a `listen` receives, by event type, in order: each the event's `data`. With `read:
   * envelope` an entry that has `data` (or `specversion`) is taken as the whole envelope.
   */
  readonly events?: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * Where a simulated task's answer came from: the scenario; a schema (a call's `output.schema`, the
 * catalog's output schema of a called workflow, a model call's `with.schema`, an approval's form);
 * or a default (`{}` for calls and runs, a `[simulated] …` text for models, the input for a wait,
 * a `{}` event for a listen). `model` is kept for answers from a model, which simulations do not ask yet.
 */
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
  /** For tasks a simulation answers (calls, runs, Baton's functions, waits, listens): where the answer came from. */
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
