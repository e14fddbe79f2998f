/**
 * The executor contract: one executor per task kind. A leaf executor's work runs inside the task's
 * one journaled step (with the task's data flow around it), so replay returns its journaled result;
 * a compound executor orchestrates other tasks and `ctx` operations (waits, sleeps, iterations),
 * journaling what it decides.
 */
import type { WorkflowContext } from '@baton/core';
import type { Scope } from '../runtime/evaluator.js';
import type { RunFrame, TaskSite } from '../runtime/run-frame.js';

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
  /** What a simulation's path shows (set only when the run has simulation hooks, see simulation-hooks.ts). */
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
