/** How a deployment's planner is set up: where its catalog comes from. */
import type { PlanningCatalog } from './planning-catalog.js';

/** The workflow planning runs as (`baton.plan`): planning is a durable Baton run. */
export const PLANNER_WORKFLOW = 'baton.plan';

export interface PlannerOptions {
  /** Reads what the deployment has; called once per planning run, inside a journaled step. */
  catalog(): Promise<PlanningCatalog>;
  /** Rounds when a request names none. Default 3. */
  defaultRounds?: number;
}
