/**
 * What every task of one run sees: the run's `ctx`, the expression evaluator, the definition, the
 * operator's options, and the run-wide expression arguments (`$workflow`, `$runtime`, `$secrets`, and
 * `$context`, which `export.as` replaces as the run goes).
 */
import type { WorkflowContext } from '@baton/core';
import type { WorkflowDocument } from '../definition/definition.js';
import type { Evaluator, Scope } from './evaluator.js';
import type { InterpreterOptions } from './interpreter-options.js';
import type { SchemaValidator } from './schema-validator.js';
import type { SimulationHooks } from './simulation-hooks.js';

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
  /** Set only for simulations (see simulation-hooks.ts); production runs never have it. */
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

/** A step name for the task at `site`, with an optional extra qualifier. */
export function stepName(site: Pick<TaskSite, 'reference' | 'qualifier'>, extra?: string): string {
  const qualifier = [site.qualifier, extra].filter((q) => q !== undefined && q !== '').join(' ');
  return qualifier === '' ? site.reference : `${site.reference} ${qualifier}`;
}

/** The qualifier for the `n`th (1-based) iteration or attempt inside `site`'s qualifier. */
export function nestedQualifier(qualifier: string, n: number): string {
  return qualifier === '' ? `#${n}` : `${qualifier}.${n}`;
}

/** The expression scope of a task at `site` with these arguments. */
export function scopeOf(frame: RunFrame, site: TaskSite, args: { input: unknown; output?: unknown; task: unknown; extra?: Scope }): Scope {
  return {
    ...site.vars,
    ...args.extra,
    input: args.input,
    output: args.output ?? null,
    context: frame.shared.context,
    secrets: frame.secrets,
    task: args.task,
    workflow: frame.workflow,
    runtime: frame.runtime,
  };
}
