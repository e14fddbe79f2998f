/**
 * The interpreter's hooks for simulation (internal: not part of InterpreterOptions). A run with hooks
 * executes tasks of some kinds with stand-in executors, tells an observer when each task starts and
 * ends, and does not sleep for retry back-offs. Without hooks (every production run) the task runner
 * reads one absent field per task and does nothing else.
 */
import type { Flow, TaskExecutor } from '../tasks/executor.js';
import type { TaskSite } from './run-frame.js';

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
