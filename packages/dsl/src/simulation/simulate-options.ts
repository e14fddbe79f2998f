/** What a simulation is given besides the definition and its input. */
import type { Store } from '@baton/core';
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import type { Scenario } from './simulation-types.js';

export interface SimulateOptions {
  readonly scenario?: Scenario;
  /**
   * Opens a fresh, private store for the simulation's own engine (SQLite `:memory:` in the CLI and
   * the server): nothing of a simulation reaches the deployment's database. Closed afterwards.
   */
  readonly store: () => Store | Promise<Store>;
  /**
   * What the deployment has: a definition given as text is checked against it (as the planner checks
   * its answers: 'catalog' issues make it `invalid`), and the workflows `baton.workflow` /
   * `run: workflow` call are answered from its output schemas.
   */
  readonly catalog?: PlanningCatalog;
  /** Values of `$secrets` (default none). */
  readonly secrets?: Readonly<Record<string, unknown>>;
  /** Tasks run before the simulation stops (`stopped`), against endless loops. Default 1,000. */
  readonly maxTasks?: number;
  /** Wall time before it stops. Default 30 s. */
  readonly timeoutMs?: number;
}
