/**
 * Where tasks sit in a run: the journal's step names (a task's JSON pointer and the qualifier of the
 * loop or attempt around it) and the expression scope of a task.
 */
import type { Scope } from './evaluator.js';
import type { RunFrame, TaskSite } from '../tasks/executor.js';

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
