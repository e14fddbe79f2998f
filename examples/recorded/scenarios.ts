/**
 * The scenarios whose journals are recorded (record.ts) and replayed in CI (recorded-journals.test.ts).
 * A change to an example workflow that would break its runs already in flight fails that test; the
 * fix is to keep the old path for them (ctx.patched) or to give the workflow a new version.
 */
import type { AnyWorkflow } from '@baton/core';
import { createOnboardingWorkflow } from '../customer-onboarding/workflow.js';
import { createOnboardingServices } from '../customer-onboarding/services.js';
import { createInvoiceWorkflow } from '../invoice-approval/workflow.js';
import { createInvoiceServices } from '../invoice-approval/services.js';
import largeInvoice from '../invoice-approval/inputs/large-invoice.json' with { type: 'json' };
import customer from '../customer-onboarding/inputs/customer.json' with { type: 'json' };

export interface Scenario {
  name: string;
  /** A fresh workflow (with fresh simulated services) for each replay. */
  workflow(): AnyWorkflow;
  input: unknown;
  /** Signals sent once the run waits, in order. */
  signals: { name: string; data: unknown }[];
}

export const scenarios: Scenario[] = [
  {
    name: 'invoice-approved',
    workflow: () => createInvoiceWorkflow(createInvoiceServices()),
    input: largeInvoice,
    signals: [{ name: 'approval', data: { approved: true, approver: 'dana', comment: 'within budget' } }],
  },
  {
    name: 'onboarding-happy-path',
    workflow: () => createOnboardingWorkflow(createOnboardingServices()),
    input: customer,
    signals: [],
  },
];
