/** Catalog workflows of customer operations: KYC and accounts, helpdesk, CRM, billing, privacy. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { email, flag, list, money, object, oneOf, result, text, workflow } from './schema-helpers.js';

export const CUSTOMER_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'kyc.verify-identity',
    "Verifies a person's identity document and liveness with the KYC provider.",
    object({ name: text(), email, country: text('ISO 3166 alpha-2') }),
    result({ status: oneOf('clear', 'review', 'rejected'), checkId: text() }),
  ),
  workflow(
    'kyc.screen-sanctions',
    'Screens a company against sanctions and PEP lists.',
    object({ companyName: text(), registrationNumber: text(), country: text('ISO 3166 alpha-2') }),
    result({ hit: flag, lists: list(text()) }),
  ),
  workflow(
    'accounts.open-business-account',
    'Opens a business account for a verified company.',
    object({ companyName: text(), registrationNumber: text(), email }),
    result({ accountId: text() }),
  ),
  workflow(
    'helpdesk.create-ticket',
    'Creates a support ticket in a helpdesk queue.',
    object({ queue: oneOf('finance-support', 'engineering-support', 'customer-success'), subject: text(), body: text(), requester: email }),
    result({ ticketId: text(), url: text() }),
  ),
  workflow(
    'crm.score-churn-risk',
    'Scores every active customer for churn risk (0-1) from usage, support tickets and billing history.',
    object({ segment: oneOf('all', 'smb', 'enterprise') }, ['segment']),
    result({
      customers: list(object({ customerId: text(), name: text(), email, accountManager: email, risk: { type: 'number', minimum: 0, maximum: 1 } }, [], false)),
    }),
  ),
  workflow(
    'crm.send-retention-offer',
    'Sends a customer the standard retention offer (two months at 20% off).',
    object({ customerId: text() }),
    result({ offerId: text() }),
  ),
  workflow('crm.export-personal-data', 'Exports everything the CRM holds about a person as a JSON file.', object({ email }), result({ file: text() })),
  workflow('crm.erase-personal-data', 'Erases a person from the CRM (kept: what the law requires to keep).', object({ email }), result({ erased: flag })),
  workflow(
    'billing.export-personal-data',
    'Exports everything the billing system holds about a person as a JSON file.',
    object({ email }),
    result({ file: text() }),
  ),
  workflow(
    'billing.erase-personal-data',
    'Erases a person from the billing system, keeping invoices the tax law requires.',
    object({ email }),
    result({ erased: flag }),
  ),
  workflow(
    'billing.offer-retention-discount',
    'Offers a customer who wants to cancel a discount to stay, and returns their answer.',
    object({ customerId: text() }),
    result({ accepted: flag, discountPercent: { type: 'integer', minimum: 0, maximum: 100 } }),
  ),
  workflow(
    'billing.apply-discount',
    "Applies a discount to a customer's subscription.",
    object({ customerId: text(), percent: { type: 'integer', minimum: 1, maximum: 100 } }),
    result({ appliedUntil: text() }),
  ),
  workflow(
    'billing.cancel-subscription',
    'Cancels a subscription, at once or at the end of the billing period.',
    object({ customerId: text(), atPeriodEnd: flag }),
    result({ endsOn: text() }),
  ),
  workflow(
    'billing.refund-unused-months',
    'Refunds the unused whole months of an annual subscription, pro rata.',
    object({ customerId: text() }),
    result({ amount: money, refundId: text() }),
  ),
  workflow(
    'billing.issue-voucher',
    'Issues a percentage voucher on the next order of a customer.',
    object({ customerEmail: email, percent: { type: 'integer', minimum: 1, maximum: 100 } }),
    result({ code: text() }),
  ),
  workflow(
    'privacy.verify-requester',
    'Verifies that the person making a data subject request owns the email address (a signed link).',
    object({ email }),
    result({ verified: flag }),
  ),
  workflow(
    'privacy.send-data-package',
    'Sends a person their data export files through a secure download link.',
    object({ email, files: list(text()) }),
    result({ deliveredAt: text() }),
  ),
  workflow(
    'crm.get-customer-address',
    "Reads a customer's current delivery address from the CRM.",
    object({ email }),
    result({ address: object({ line1: text(), city: text(), postcode: text(), country: text() }, [], false), verifiedAt: text() }),
  ),
  workflow(
    'accounts.close-account',
    'Closes a customer account.',
    object({ accountId: text(), reason: oneOf('customer-request', 'fraud', 'inactivity') }),
    result({ closedAt: text() }),
  ),
];
