/** Every planner benchmark scenario, in the order the report lists them. */
import type { PlannerScenario } from '../scenario-types.js';
import { COMMERCE_SCENARIOS } from './commerce.js';
import { CUSTOMER_SCENARIOS } from './customers.js';
import { FINANCE_SCENARIOS } from './finance.js';
import { MARKETING_SCENARIOS } from './marketing.js';
import { OPERATIONS_SCENARIOS } from './operations.js';
import { PEOPLE_SCENARIOS } from './people.js';

export const PLANNER_SCENARIOS: readonly PlannerScenario[] = [
  ...FINANCE_SCENARIOS,
  ...PEOPLE_SCENARIOS,
  ...OPERATIONS_SCENARIOS,
  ...CUSTOMER_SCENARIOS,
  ...COMMERCE_SCENARIOS,
  ...MARKETING_SCENARIOS,
];
