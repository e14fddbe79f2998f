/** Customer scenarios: KYC onboarding, support triage, churn, cancellations, privacy requests and insurance claims. */
import { APPROVAL, type PlannerScenario } from '../scenario-types.js';

const company = {
  companyName: 'Brightwater Analytics Ltd',
  registrationNumber: '09876543',
  directorName: 'Helen Marsh',
  directorEmail: 'helen@brightwater.example',
  country: 'GB',
};
const identity = (status: string) => ({ output: { status, checkId: 'IDV-5521' } });
const email = {
  from: 'ops@customer.example',
  subject: 'Invoice charged twice',
  body: 'We were charged twice for November. Please fix this today, our books close tonight.',
};
const churn = (risk: number) => ({
  output: { customers: [{ customerId: 'CUS-104', name: 'Kestrel Foods', email: 'it@kestrel.example', accountManager: 'anna.k@example.com', risk }] },
});
const offer = (accepted: boolean) => ({ output: { accepted, discountPercent: 20 } });
const claim = { policyNumber: 'POL-7731-22', incidentDate: '2026-11-18', description: 'Water damage in the kitchen after a pipe burst' };
const fraud = (band: string) => ({ output: { score: band === 'low' ? 0.08 : 0.81, band } });

export const CUSTOMER_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'business-customer-kyc',
    domain: 'customers',
    paragraph:
      "When a business customer signs up, verify the identity of its director and screen the company against sanctions lists. A sanctions hit stops the application. If the identity check says it needs review, a compliance officer decides; if it is rejected, the application is declined. Customers that pass get their business account opened and a welcome email. The sign-up gives the company name, registration number, country, and the director's name and email.",
    calls: ['kyc.verify-identity', 'kyc.screen-sanctions', 'accounts.open-business-account', 'comms.send-email'],
    approvals: 1,
    answers: { 'kyc.screen-sanctions': { output: { hit: false, lists: [] } } },
    branches: [
      {
        what: "the compliance officer's decision on identity checks that need review",
        cases: [
          {
            label: 'a clear identity check',
            input: company,
            answers: { 'kyc.verify-identity': identity('clear') },
            avoids: [APPROVAL],
            reaches: ['accounts.open-business-account'],
          },
          {
            label: 'an identity check to review',
            input: company,
            answers: { 'kyc.verify-identity': identity('review') },
            reaches: [APPROVAL, 'accounts.open-business-account'],
          },
          {
            label: 'a rejected identity check',
            input: company,
            answers: { 'kyc.verify-identity': identity('rejected') },
            avoids: [APPROVAL, 'accounts.open-business-account'],
            mayFault: true,
          },
        ],
      },
    ],
  },
  {
    name: 'support-triage',
    domain: 'customers',
    paragraph:
      "Incoming support emails are classified by the model as billing, technical or account questions, and it also judges whether they are urgent. Billing questions become tickets in the finance support queue, technical ones in the engineering support queue and account questions go to customer success. Urgent emails are also posted to the #support-leads chat channel. Each email has the sender's address, a subject and a body.",
    calls: ['helpdesk.create-ticket', 'chat.post-message'],
    approvals: 0,
    branches: [
      {
        what: 'urgent emails reach the support leads',
        cases: [
          {
            label: 'an urgent billing email',
            input: email,
            model: { category: 'billing', urgent: true },
            reaches: ['helpdesk.create-ticket', 'chat.post-message'],
          },
          {
            label: 'a routine billing email',
            input: email,
            model: { category: 'billing', urgent: false },
            reaches: ['helpdesk.create-ticket'],
            avoids: ['chat.post-message'],
          },
        ],
      },
    ],
  },
  {
    name: 'churn-outreach',
    domain: 'customers',
    paragraph:
      'Every week, score all active customers for churn risk. For each customer with a risk above 0.7, the model drafts a personal check-in email, and their account manager approves it before it is sent. Customers with a risk between 0.4 and 0.7 get the standard retention offer instead. Nothing is done for the others.',
    calls: ['crm.score-churn-risk', 'crm.send-retention-offer', 'comms.send-email'],
    approvals: 1,
    branches: [
      {
        what: 'personal outreach above 0.7, the standard offer between 0.4 and 0.7',
        cases: [
          {
            label: 'a customer at 0.9',
            input: {},
            answers: { 'crm.score-churn-risk': churn(0.9) },
            reaches: [APPROVAL, 'comms.send-email'],
            avoids: ['crm.send-retention-offer'],
          },
          { label: 'a customer at 0.5', input: {}, answers: { 'crm.score-churn-risk': churn(0.5) }, reaches: ['crm.send-retention-offer'], avoids: [APPROVAL] },
          {
            label: 'a customer at 0.1',
            input: {},
            answers: { 'crm.score-churn-risk': churn(0.1) },
            avoids: [APPROVAL, 'crm.send-retention-offer', 'comms.send-email'],
          },
        ],
      },
    ],
  },
  {
    name: 'subscription-cancellation',
    domain: 'customers',
    paragraph:
      'When a customer asks to cancel their subscription, first offer them a discount to stay. If they accept, apply the discount and keep the subscription. Otherwise cancel it at the end of the billing period, and if they pay annually, refund the unused months. The request gives the customer id and whether they pay monthly or annually.',
    calls: ['billing.offer-retention-discount', 'billing.apply-discount', 'billing.cancel-subscription', 'billing.refund-unused-months'],
    approvals: 0,
    branches: [
      {
        what: 'the customer accepts the offer or not',
        cases: [
          {
            label: 'an annual customer who accepts',
            input: { customerId: 'CUS-2207', billingCycle: 'annual' },
            answers: { 'billing.offer-retention-discount': offer(true) },
            reaches: ['billing.apply-discount'],
            avoids: ['billing.cancel-subscription'],
          },
          {
            label: 'an annual customer who declines',
            input: { customerId: 'CUS-2207', billingCycle: 'annual' },
            answers: { 'billing.offer-retention-discount': offer(false) },
            reaches: ['billing.cancel-subscription', 'billing.refund-unused-months'],
            avoids: ['billing.apply-discount'],
          },
        ],
      },
      {
        what: 'a refund only for annual plans',
        cases: [
          {
            label: 'a monthly customer who declines',
            input: { customerId: 'CUS-3310', billingCycle: 'monthly' },
            answers: { 'billing.offer-retention-discount': offer(false) },
            reaches: ['billing.cancel-subscription'],
            avoids: ['billing.refund-unused-months'],
          },
          {
            label: 'an annual customer who declines',
            input: { customerId: 'CUS-3310', billingCycle: 'annual' },
            answers: { 'billing.offer-retention-discount': offer(false) },
            reaches: ['billing.cancel-subscription', 'billing.refund-unused-months'],
          },
        ],
      },
    ],
  },
  {
    name: 'gdpr-data-request',
    domain: 'customers',
    paragraph:
      "When a person sends a data subject request, first verify that they own the email address. For an access request, export their data from the CRM and from the billing system and send them the files. For an erasure request, the data protection officer must approve, and then their data is erased from both systems. Each request has the person's email and the type: access or erasure.",
    calls: [
      'privacy.verify-requester',
      'crm.export-personal-data',
      'billing.export-personal-data',
      'privacy.send-data-package',
      'crm.erase-personal-data',
      'billing.erase-personal-data',
    ],
    approvals: 1,
    answers: { 'privacy.verify-requester': { output: { verified: true } } },
    branches: [
      {
        what: 'access and erasure take different paths',
        cases: [
          {
            label: 'an access request',
            input: { email: 'p.weber@example.de', requestType: 'access' },
            reaches: ['crm.export-personal-data', 'billing.export-personal-data', 'privacy.send-data-package'],
            avoids: [APPROVAL, 'crm.erase-personal-data'],
          },
          {
            label: 'an erasure request',
            input: { email: 'p.weber@example.de', requestType: 'erasure' },
            reaches: [APPROVAL, 'crm.erase-personal-data', 'billing.erase-personal-data'],
            avoids: ['crm.export-personal-data'],
          },
        ],
      },
    ],
  },
  {
    name: 'insurance-claim',
    domain: 'customers',
    paragraph:
      'A policyholder files a claim with the policy number, the incident date, a description and the amount claimed. Check that the policy covered the incident date and score the claim for fraud. Claims under 1,000 EUR with a low fraud score are paid automatically; everything else goes to a claims adjuster, who approves or rejects it. Approved claims are paid; rejected claims get a letter explaining the decision.',
    calls: ['insurance.check-coverage', 'insurance.score-fraud', 'insurance.pay-claim', 'insurance.send-decision-letter'],
    approvals: 1,
    answers: { 'insurance.check-coverage': { output: { covered: true, deductible: 150 } } },
    branches: [
      {
        what: 'automatic payment of small low-risk claims',
        cases: [
          {
            label: 'a 400 EUR low-risk claim',
            input: { ...claim, amount: 400 },
            answers: { 'insurance.score-fraud': fraud('low') },
            avoids: [APPROVAL],
            reaches: ['insurance.pay-claim'],
          },
          {
            label: 'a 400 EUR high-risk claim',
            input: { ...claim, amount: 400 },
            answers: { 'insurance.score-fraud': fraud('high') },
            reaches: [APPROVAL, 'insurance.pay-claim'],
          },
          {
            label: 'a 5,000 EUR low-risk claim',
            input: { ...claim, amount: 5_000 },
            answers: { 'insurance.score-fraud': fraud('low') },
            reaches: [APPROVAL, 'insurance.pay-claim'],
          },
        ],
      },
      {
        what: 'a rejected claim gets a letter and no payment',
        cases: [
          {
            label: 'a 5,000 EUR claim the adjuster rejects',
            input: { ...claim, amount: 5_000 },
            answers: { 'insurance.score-fraud': fraud('low') },
            approve: false,
            reaches: [APPROVAL, 'insurance.send-decision-letter'],
            avoids: ['insurance.pay-claim'],
            mayFault: true,
          },
          {
            label: 'a 5,000 EUR claim the adjuster approves',
            input: { ...claim, amount: 5_000 },
            answers: { 'insurance.score-fraud': fraud('low') },
            reaches: ['insurance.pay-claim'],
          },
        ],
      },
    ],
  },
];
