/**
 * The planner benchmark's catalog: what an imagined mid-sized company has deployed (TypeScript
 * workflows of finance, people, operations, customer and commerce teams, and two HTTP functions its
 * definitions declare). Every scenario plans against all of it, so the model must pick the right
 * workflows out of more than 80, as it would in a real deployment.
 */
import type { CatalogFunction, PlanningCatalog } from '@baton/dsl';
import { COMMERCE_WORKFLOWS } from './commerce.js';
import { CUSTOMER_WORKFLOWS } from './customers.js';
import { FINANCE_WORKFLOWS } from './finance.js';
import { MARKETING_WORKFLOWS } from './marketing.js';
import { OPERATIONS_WORKFLOWS } from './operations.js';
import { PEOPLE_WORKFLOWS } from './people.js';
import { SHARED_WORKFLOWS } from './shared.js';

const FUNCTIONS: readonly CatalogFunction[] = [
  {
    name: 'getExchangeRate',
    description: "Today's exchange rate between two currencies (the treasury's rate service).",
    task: { call: 'http', with: { method: 'get', endpoint: 'https://rates.internal.example/v1/rates/{from}/{to}' } },
    declaredBy: 'finance.currency-conversion',
  },
  {
    name: 'lookupCustomer',
    description: 'A customer record by email (the CRM read API).',
    task: { call: 'http', with: { method: 'get', endpoint: 'https://crm.internal.example/api/customers?email={email}' } },
    declaredBy: 'crm.customer-sync',
  },
];

export const BENCH_CATALOG: PlanningCatalog = {
  workflows: [
    ...SHARED_WORKFLOWS,
    ...FINANCE_WORKFLOWS,
    ...PEOPLE_WORKFLOWS,
    ...OPERATIONS_WORKFLOWS,
    ...CUSTOMER_WORKFLOWS,
    ...COMMERCE_WORKFLOWS,
    ...MARKETING_WORKFLOWS,
  ],
  functions: FUNCTIONS,
};
