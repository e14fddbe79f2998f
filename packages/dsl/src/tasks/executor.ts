/**
 * The executor contract: one executor per task kind. A leaf executor's work runs inside the task's
 * one journaled step (with the task's data flow around it), so replay returns its journaled result;
 * a compound executor orchestrates other tasks and `ctx` operations (waits, sleeps, iterations),
 * journaling what it decides.
 *
 * Beside it, what every executor receives: the run's frame (the run's `ctx`, the expression
 * evaluator, the definition, the operator's options, and the run-wide expression arguments
 * `$workflow`, `$runtime`, `$secrets`, and `$context`, which `export.as` replaces as the run goes),
 * and the task's site. And the interpreter's hooks for simulation (internal: not part of
 * InterpreterOptions): a run with hooks executes tasks of some kinds with stand-in executors, tells
 * an observer when each task starts and ends, and does not sleep for retry back-offs. Without hooks
 * (every production run) the task runner reads one absent field per task and does nothing else.
 * The frame carries the hooks and the hooks carry executors that receive frames, so they share
 * this module.
 */
import type { WorkflowContext } from '@baton/core';
import type { WorkflowDocument } from '../definition/definition.js';
import type { Evaluator, Scope } from '../runtime/evaluator.js';
import type { InterpreterOptions } from '../runtime/interpreter-options.js';
import type { SchemaValidator } from '../runtime/schema-validator.js';

/** A task as written (the SDK's task union is too wide to be useful here: each executor reads its own fields). */
export type TaskDefinition = Readonly<Record<string, unknown>>;
/** A task list: `[{ name: task }, …]`. */
export type TaskList = readonly Readonly<Record<string, TaskDefinition>>[];

/** What a task hands back to the list it is in. */
export interface Flow {
  output: unknown;
  /** A flow directive that overrides the task's `then` (a switch case's). */
  then?: string;
  /** `then: end` was reached: the workflow ends with `output`. */
  end?: boolean;
  /** What a simulation's path shows (set only when the run has simulation hooks, see SimulationHooks). */
  /** The task did not run: its `if` did not hold. */
  skipped?: boolean;
  /** A switch: the name of the case taken, or `none`. */
  branch?: string;
  /** A simulated task: where its answer came from (scenario, schema, default). */
  answeredBy?: string;
}

/** What a leaf executor gives back: its raw output, and a flow directive for `switch`. */
export interface LeafOutcome {
  output: unknown;
  then?: string;
  /** A switch: the name of the case taken, or `none` (only journaled for simulations). */
  branch?: string;
  /** A simulated task: where its answer came from. */
  answeredBy?: string;
}

export interface LeafInvocation {
  readonly task: TaskDefinition;
  /** The task's transformed input (`$input`). */
  readonly input: unknown;
  readonly scope: Scope;
  readonly frame: RunFrame;
  readonly site: TaskSite;
  /** Aborted when the step times out or the run is cancelled. */
  readonly signal: AbortSignal;
  /** Stable across attempts and crashes: the key for side effects that must happen once. */
  readonly idempotencyKey: string;
}

export interface LeafExecutor {
  readonly kind: 'leaf';
  /** The task's raw output (and a flow directive, for `switch`); runs inside the task's step. Throws WorkflowFault. */
  perform(invocation: LeafInvocation): Promise<LeafOutcome> | LeafOutcome;
}

export interface CompoundInvocation {
  readonly task: TaskDefinition;
  readonly input: unknown;
  readonly scope: Scope;
  readonly frame: RunFrame;
  readonly site: TaskSite;
  /** Runs a task list (e.g. `do`, a branch, an iteration) under `pointer` with extra scope variables. */
  runList(list: TaskList, pointer: string, input: unknown, options?: { vars?: Scope; qualifier?: string }): Promise<Flow>;
  /** Runs one task (e.g. a fork branch) at `reference`, optionally on another ctx (a branch's, see BranchSequencer). */
  runTask(
    name: string,
    task: TaskDefinition,
    reference: string,
    input: unknown,
    options?: { vars?: Scope; qualifier?: string; ctx?: WorkflowContext },
  ): Promise<Flow>;
}

export interface CompoundExecutor {
  readonly kind: 'compound';
  perform(invocation: CompoundInvocation): Promise<Flow>;
}

export type TaskExecutor = LeafExecutor | CompoundExecutor;

export interface RunFrame {
  readonly ctx: WorkflowContext;
  readonly evaluator: Evaluator;
  readonly schemas: SchemaValidator;
  readonly options: InterpreterOptions;
  readonly document: WorkflowDocument;
  /** `$workflow`: id (the run id), definition, input (as received), startedAt. */
  readonly workflow: Readonly<Record<string, unknown>>;
  /** `$runtime`: name, version, metadata. */
  readonly runtime: Readonly<Record<string, unknown>>;
  /** `$secrets` (a missing secret is an authorization error when read). */
  readonly secrets: Readonly<Record<string, unknown>>;
  /** `$context`, replaced by each `export.as` (a holder, shared by the frames of concurrent branches). */
  readonly shared: { context: unknown };
  /** Set only for simulations (see SimulationHooks); production runs never have it. */
  readonly simulation?: SimulationHooks;
}

/** Where a task sits: its name, its JSON pointer, the journal qualifier of the loop/attempt around it, and the scope variables of enclosing tasks. */
export interface TaskSite {
  readonly name: string;
  readonly reference: string;
  /** '' or e.g. '#2' (2nd iteration), '#2.1' (nested): appended to step names after a space. */
  readonly qualifier: string;
  readonly vars: Scope;
}

/** How a task ended, as the observer is told. */
export type ObservedTaskEnd =
  | {
      readonly status: 'completed' | 'skipped';
      /** What the task handed back to its list (output, flow directive, switch case, answer source). */
      readonly flow: Flow;
      /** The flow directive taken after the task when not `continue` (`exit`, `end`, a task name). */
      readonly then?: string;
    }
  | { readonly status: 'faulted'; readonly error: unknown };

export interface SimulationHooks {
  /**
   * Executors that replace the registry's for these task kinds (`call`, `baton.call`, `run`, `wait`,
   * `listen`…). A stand-in executor must journal what it answers (a leaf's step does it; a compound
   * one uses a step of its own), so a replay sees the same answers.
   */
  readonly executors: ReadonlyMap<string, TaskExecutor>;
  /** `try`'s retry back-offs go on at once instead of sleeping. */
  readonly skipDelays: boolean;
  /**
   * The workflow function starts: on the first execution and on every replay after the run resumed.
   * What the observer recorded before is stale (a replay goes through the same tasks again).
   */
  runStarted(): void;
  /**
   * A task starts at `site`. Returns a token handed back to `taskEnded`. May throw (an engine error,
   * not a DSL fault, so no `try` catches it) to stop the run, e.g. when a bound is hit.
   */
  taskStarted(site: TaskSite, kind: string): number;
  taskEnded(token: number, end: ObservedTaskEnd): void;
}
