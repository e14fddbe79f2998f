/** Catalog workflows of finance: payables, accounting close, payments and refunds, lending, procurement, payroll, insurance. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { count, currency, date, email, flag, list, money, object, oneOf, result, text, workflow } from './schema-helpers.js';

export const FINANCE_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'finance.match-purchase-order',
    'Three-way match of a supplier invoice against its purchase order and goods receipt.',
    object({ invoiceNumber: text(), supplier: text(), amount: money }),
    result({ matched: flag, purchaseOrder: text(), variance: money }),
  ),
  workflow(
    'finance.schedule-payment',
    'Schedules a supplier payment in the next payment run of the treasury system.',
    object({ invoiceNumber: text(), supplier: text(), amount: money, currency }),
    result({ paymentId: text(), payDate: date }),
  ),
  workflow(
    'finance.post-ledger-entry',
    'Posts an entry to the general ledger.',
    object({ reference: text(), amount: money, currency, account: text('Ledger account code, e.g. 4000') }),
    result({ entryId: text() }),
    { version: '2.1.0' },
  ),
  workflow(
    'accounting.reconcile-bank-accounts',
    "Reconciles every bank account's statement with the ledger for a period; lists the differences it could not match.",
    object({ period: text('YYYY-MM') }),
    result({ differences: count, unmatched: list(object({ account: text(), amount: { type: 'number' }, description: text() }, [], false)) }),
  ),
  workflow(
    'accounting.collect-accruals',
    'Collects the open accruals (goods received not invoiced, unbilled revenue) for a period.',
    object({ period: text('YYYY-MM') }),
    result({ accruals: count, total: money }),
  ),
  workflow(
    'accounting.lock-period',
    'Locks a ledger period so nothing more can be posted to it.',
    object({ period: text('YYYY-MM') }),
    result({ lockedAt: text() }),
  ),
  workflow(
    'accounting.generate-management-report',
    "Builds the month's management report (P&L, balance sheet, cash flow) as a PDF.",
    object({ period: text('YYYY-MM') }),
    result({ reportUrl: text() }),
  ),
  workflow(
    'payments.issue-refund',
    "Refunds an order's payment, in part or in full, to the original payment method.",
    object({ orderNumber: text(), amount: money, reason: text() }, ['reason']),
    result({ refundId: text(), status: oneOf('pending', 'succeeded') }),
  ),
  workflow(
    'lending.fetch-credit-score',
    "Pulls an applicant's credit score from the credit bureau (300-850).",
    object({ applicantId: text() }),
    result({ score: { type: 'integer', minimum: 300, maximum: 850 }, bureau: text() }),
  ),
  workflow(
    'lending.screen-fraud',
    'Screens a loan application for fraud signals (identity mismatch, velocity, device).',
    object({ applicantId: text(), amount: money }),
    result({ risk: oneOf('low', 'medium', 'high'), signals: list(text()) }),
  ),
  workflow(
    'lending.generate-offer',
    'Prices a loan and generates the offer letter, and sends it to the applicant.',
    object({ applicantId: text(), amount: money, termMonths: { type: 'integer', minimum: 6, maximum: 120 } }),
    result({ offerId: text(), annualRate: { type: 'number' }, letterUrl: text() }),
  ),
  workflow(
    'lending.decline-application',
    'Declines a loan application and sends the applicant the adverse action notice.',
    object({ applicantId: text(), reason: text() }),
    result({ noticeId: text() }),
  ),
  workflow(
    'procurement.create-purchase-order',
    'Creates a purchase order in the ERP for an approved purchase request.',
    object({ item: text(), quantity: { type: 'integer', minimum: 1 }, amount: money, costCenter: text(), supplier: text() }),
    result({ poNumber: text() }),
  ),
  workflow(
    'procurement.send-purchase-order',
    "Sends a purchase order to the supplier's order address.",
    object({ poNumber: text(), supplier: text() }),
    result({ sentAt: text() }),
  ),
  workflow(
    'procurement.create-vendor',
    'Creates a vendor master record in the ERP so it can be paid.',
    object({ vendorName: text(), taxId: text(), iban: text(), country: text('ISO 3166 alpha-2') }),
    result({ vendorId: text() }),
  ),
  workflow(
    'tax.validate-tax-id',
    "Validates a VAT or tax identification number with the country's tax authority.",
    object({ taxId: text(), country: text('ISO 3166 alpha-2') }),
    result({ valid: flag, registeredName: text() }),
  ),
  workflow(
    'payroll.add-reimbursement',
    "Adds an expense reimbursement to an employee's next payroll.",
    object({ employeeEmail: email, amount: money, currency, reference: text() }),
    result({ payrollRun: text() }),
  ),
  workflow(
    'payroll.run-final-payroll',
    "Computes and pays a leaver's final salary, holiday balance and deductions.",
    object({ employeeEmail: email, lastDay: date }),
    result({ amount: money, payDate: date }),
  ),
  workflow(
    'insurance.check-coverage',
    'Checks that a policy was in force and covered the incident on the given date.',
    object({ policyNumber: text(), incidentDate: date }),
    result({ covered: flag, deductible: money }),
  ),
  workflow(
    'insurance.score-fraud',
    'Scores a claim for fraud risk from its history and description.',
    object({ policyNumber: text(), amount: money, description: text() }),
    result({ score: { type: 'number', minimum: 0, maximum: 1 }, band: oneOf('low', 'medium', 'high') }),
  ),
  workflow('insurance.pay-claim', 'Pays a settled claim to the policyholder.', object({ policyNumber: text(), amount: money }), result({ paymentId: text() })),
  workflow(
    'insurance.send-decision-letter',
    'Sends the policyholder a letter with the decision on their claim and the reasons.',
    object({ policyNumber: text(), decision: oneOf('approved', 'rejected'), reason: text() }),
    result({ letterId: text() }),
  ),
];
