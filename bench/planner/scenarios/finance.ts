/** Finance scenarios: payables, expenses, the month-end close, refunds, lending and purchasing. */
import { APPROVAL, type PlannerScenario } from '../scenario-types.js';

const invoice = { invoiceNumber: 'INV-2041', supplier: 'Nordlicht Logistik GmbH', currency: 'EUR' };
const claim = { employeeEmail: 'maria.santos@example.com', currency: 'EUR', purpose: 'Client dinner in Lyon' };
const loan = { applicantId: 'APP-88213', termMonths: 48 };
const purchase = { item: 'Standing desks', quantity: 12, costCenter: 'CC-410', supplier: 'Officeline AB' };

export const FINANCE_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'invoice-approval',
    domain: 'finance',
    paragraph:
      'When a supplier invoice arrives, match it against its purchase order. If the amount is above 10,000 EUR, the finance manager must approve it before it is paid; smaller invoices go straight to payment. Approved invoices are scheduled for payment and recorded in the ledger. Each invoice comes with its invoice number, the supplier, the amount and the currency.',
    calls: ['finance.match-purchase-order', 'finance.schedule-payment', 'finance.post-ledger-entry'],
    approvals: 1,
    branches: [
      {
        what: "the finance manager's approval above 10,000 EUR",
        cases: [
          { label: 'an invoice of 25,000 EUR', input: { ...invoice, amount: 25_000 }, reaches: [APPROVAL, 'finance.schedule-payment'] },
          { label: 'an invoice of 800 EUR', input: { ...invoice, amount: 800 }, avoids: [APPROVAL], reaches: ['finance.schedule-payment'] },
        ],
      },
    ],
  },
  {
    name: 'expense-claim',
    domain: 'finance',
    paragraph:
      "Employees submit expense claims with their email, the amount, the currency and what it was for. Claims of 500 EUR or less are approved automatically; larger claims need their manager's approval. Approved claims are reimbursed with the next payroll. Either way the employee gets an email telling them the outcome.",
    calls: ['payroll.add-reimbursement', 'comms.send-email'],
    approvals: 1,
    branches: [
      {
        what: "the manager's approval above 500 EUR",
        cases: [
          { label: 'a claim of 1,200 EUR', input: { ...claim, amount: 1_200 }, reaches: [APPROVAL, 'payroll.add-reimbursement', 'comms.send-email'] },
          { label: 'a claim of 120 EUR', input: { ...claim, amount: 120 }, avoids: [APPROVAL], reaches: ['payroll.add-reimbursement', 'comms.send-email'] },
        ],
      },
      {
        what: 'a turned-down claim is not reimbursed',
        cases: [
          { label: 'a claim of 1,200 EUR the manager approves', input: { ...claim, amount: 1_200 }, reaches: ['payroll.add-reimbursement'] },
          {
            label: 'a claim of 1,200 EUR the manager turns down',
            input: { ...claim, amount: 1_200 },
            approve: false,
            avoids: ['payroll.add-reimbursement'],
            mayFault: true,
          },
        ],
      },
    ],
  },
  {
    name: 'month-end-close',
    domain: 'finance',
    paragraph:
      'At the end of every month the accounting team closes the books for the period. First reconcile all bank accounts and collect the open accruals. If the reconciliation finds any differences, the controller must review them and sign off before the period is locked; when there are none, the period is locked straight away. Finally generate the management report for the month.',
    calls: ['accounting.reconcile-bank-accounts', 'accounting.collect-accruals', 'accounting.lock-period', 'accounting.generate-management-report'],
    approvals: 1,
    branches: [
      {
        what: "the controller's sign-off when reconciliation finds differences",
        cases: [
          {
            label: 'three unreconciled differences',
            input: { period: '2026-11' },
            answers: {
              'accounting.reconcile-bank-accounts': {
                output: {
                  differences: 3,
                  unmatched: [
                    { account: 'DE89 3704 0044', amount: -120.5, description: 'Card fee' },
                    { account: 'DE89 3704 0044', amount: 980, description: 'Unknown deposit' },
                    { account: 'GB29 NWBK 6016', amount: -45, description: 'FX difference' },
                  ],
                },
              },
            },
            reaches: [APPROVAL, 'accounting.lock-period', 'accounting.generate-management-report'],
          },
          {
            label: 'everything reconciled',
            input: { period: '2026-11' },
            answers: { 'accounting.reconcile-bank-accounts': { output: { differences: 0, unmatched: [] } } },
            avoids: [APPROVAL],
            reaches: ['accounting.lock-period', 'accounting.generate-management-report'],
          },
        ],
      },
    ],
  },
  {
    name: 'refund-request',
    domain: 'finance',
    paragraph:
      'A customer asks for a refund, giving the order number, the amount, the reason and their email. Refunds of up to 100 EUR are issued at once. Anything larger is reviewed by a support lead, who approves or declines it. When a refund is issued, the customer gets a confirmation email.',
    calls: ['payments.issue-refund', 'comms.send-email'],
    approvals: 1,
    branches: [
      {
        what: "the support lead's review above 100 EUR",
        cases: [
          {
            label: 'a refund of 60 EUR',
            input: { orderNumber: 'SO-55120', amount: 60, reason: 'Arrived damaged', customerEmail: 'lee@example.org' },
            avoids: [APPROVAL],
            reaches: ['payments.issue-refund'],
          },
          {
            label: 'a refund of 450 EUR the lead approves',
            input: { orderNumber: 'SO-55121', amount: 450, reason: 'Wrong size', customerEmail: 'lee@example.org' },
            reaches: [APPROVAL, 'payments.issue-refund'],
          },
          {
            label: 'a refund of 450 EUR the lead declines',
            input: { orderNumber: 'SO-55122', amount: 450, reason: 'Changed my mind', customerEmail: 'lee@example.org' },
            approve: false,
            reaches: [APPROVAL],
            avoids: ['payments.issue-refund'],
            mayFault: true,
          },
        ],
      },
    ],
  },
  {
    name: 'loan-application',
    domain: 'finance',
    paragraph:
      "When someone applies for a loan, pull their credit score and screen the application for fraud. Applicants with a score below 600 are declined automatically. Loans above 50,000 EUR need an underwriter's approval; smaller ones are approved by policy. Approved loans get an offer generated and sent to the applicant. An application has the applicant's id, the amount and the term in months.",
    calls: ['lending.fetch-credit-score', 'lending.screen-fraud', 'lending.generate-offer'],
    approvals: 1,
    branches: [
      {
        what: 'automatic decline below a score of 600',
        cases: [
          {
            label: 'a score of 540',
            input: { ...loan, amount: 20_000 },
            answers: { 'lending.fetch-credit-score': { output: { score: 540, bureau: 'Schufa' } } },
            avoids: ['lending.generate-offer', APPROVAL],
            mayFault: true,
          },
          {
            label: 'a score of 720',
            input: { ...loan, amount: 20_000 },
            answers: { 'lending.fetch-credit-score': { output: { score: 720, bureau: 'Schufa' } } },
            reaches: ['lending.generate-offer'],
          },
        ],
      },
      {
        what: "the underwriter's approval above 50,000 EUR",
        cases: [
          {
            label: '80,000 EUR with a score of 720',
            input: { ...loan, amount: 80_000 },
            answers: { 'lending.fetch-credit-score': { output: { score: 720, bureau: 'Schufa' } } },
            reaches: [APPROVAL, 'lending.generate-offer'],
          },
          {
            label: '20,000 EUR with a score of 720',
            input: { ...loan, amount: 20_000 },
            answers: { 'lending.fetch-credit-score': { output: { score: 720, bureau: 'Schufa' } } },
            avoids: [APPROVAL],
            reaches: ['lending.generate-offer'],
          },
        ],
      },
    ],
  },
  {
    name: 'purchase-request',
    domain: 'finance',
    paragraph:
      "An employee raises a purchase request with the item, the quantity, the estimated cost, the cost centre and the supplier. The budget owner approves every request, and requests over 5,000 EUR also need the procurement lead's approval. Once approved, create the purchase order in the ERP and send it to the supplier.",
    calls: ['procurement.create-purchase-order', 'procurement.send-purchase-order'],
    approvals: 2,
    branches: [
      {
        what: "the procurement lead's approval over 5,000 EUR",
        cases: [
          {
            label: 'a request of 12,000 EUR',
            input: { ...purchase, estimatedCost: 12_000 },
            approvalsReached: 2,
            reaches: ['procurement.create-purchase-order', 'procurement.send-purchase-order'],
          },
          {
            label: 'a request of 900 EUR',
            input: { ...purchase, estimatedCost: 900 },
            approvalsReached: 1,
            reaches: ['procurement.create-purchase-order', 'procurement.send-purchase-order'],
          },
        ],
      },
    ],
  },
];
