/** Commerce scenarios: fulfilling orders, shipment exceptions, vendors and customer contracts. */
import type { PlannerScenario } from '../scenario-types.js';

const order = { orderId: 'SO-99120', customerEmail: 'noor@example.com', items: [{ sku: 'LAMP-OAK-01', quantity: 2 }] };
const reserve = (reserved: boolean) => ({ output: { reserved, backordered: reserved ? [] : ['LAMP-OAK-01'], expectedRestock: '2026-12-14' } });
const exception = { shipmentId: 'SHP-44810', orderId: 'SO-98002', customerEmail: 'rafael@example.com' };
const address = { output: { address: { line1: 'Calle Mayor 12', city: 'Madrid', postcode: '28013', country: 'ES' }, verifiedAt: '2026-10-02' } };
const vendor = { vendorName: 'Tessellate Print Oy', taxId: 'FI23456789', iban: 'FI21 1234 5600 0007 85', country: 'FI' };
const contract = {
  contractId: 'CT-2027-014',
  customerName: 'Halden Maritime AS',
  documentUrl: 'https://files.example.com/contracts/ct-2027-014.pdf',
  signerEmail: 'cfo@halden.example',
};
const terms = (value: number, nonStandardClauses: string[]) => ({ output: { value, termMonths: 36, liabilityCap: value, nonStandardClauses } });

export const COMMERCE_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'order-fulfilment',
    domain: 'commerce',
    paragraph:
      "When an order is paid, reserve its items in the warehouse. If anything is out of stock, email the customer about the backorder and wait until it is back in stock before going on. Then create the shipping label, insured when the order total is over 1,000 EUR, and book the carrier pickup. The order comes with its id, the customer's email, the items and the total.",
    calls: ['warehouse.reserve-items', 'warehouse.notify-backorder', 'shipping.create-label', 'shipping.hand-over-to-carrier'],
    approvals: 0,
    branches: [
      {
        what: 'the backorder notice when something is out of stock',
        cases: [
          {
            label: 'an item out of stock',
            input: { ...order, total: 240 },
            answers: { 'warehouse.reserve-items': reserve(false) },
            reaches: ['warehouse.notify-backorder', 'shipping.create-label'],
          },
          {
            label: 'everything in stock',
            input: { ...order, total: 240 },
            answers: { 'warehouse.reserve-items': reserve(true) },
            reaches: ['shipping.create-label', 'shipping.hand-over-to-carrier'],
            avoids: ['warehouse.notify-backorder'],
          },
        ],
      },
    ],
  },
  {
    name: 'shipment-exceptions',
    domain: 'commerce',
    paragraph:
      "When the carrier reports a shipment exception, look at its type. For an address problem, look up the customer's current address in the CRM and update the shipment. For damage, file a claim with the carrier and send the customer a replacement. For a delay of more than 3 days, give the customer a 10% voucher. The report has the shipment id, the order id, the customer's email, the exception type (address, damage or delay) and the delay in days.",
    calls: ['crm.get-customer-address', 'shipping.update-address', 'shipping.file-carrier-claim', 'orders.send-replacement', 'billing.issue-voucher'],
    approvals: 0,
    answers: { 'crm.get-customer-address': address },
    branches: [
      {
        what: 'each exception type has its own handling',
        cases: [
          {
            label: 'an address problem',
            input: { ...exception, exceptionType: 'address', delayDays: 0 },
            reaches: ['shipping.update-address'],
            avoids: ['shipping.file-carrier-claim', 'billing.issue-voucher'],
          },
          {
            label: 'a damaged parcel',
            input: { ...exception, exceptionType: 'damage', delayDays: 0 },
            reaches: ['shipping.file-carrier-claim', 'orders.send-replacement'],
            avoids: ['shipping.update-address'],
          },
          {
            label: 'a delay of 5 days',
            input: { ...exception, exceptionType: 'delay', delayDays: 5 },
            reaches: ['billing.issue-voucher'],
            avoids: ['shipping.file-carrier-claim', 'shipping.update-address'],
          },
        ],
      },
      {
        what: 'a voucher only for delays over 3 days',
        cases: [
          { label: 'a delay of 5 days', input: { ...exception, exceptionType: 'delay', delayDays: 5 }, reaches: ['billing.issue-voucher'] },
          { label: 'a delay of 1 day', input: { ...exception, exceptionType: 'delay', delayDays: 1 }, avoids: ['billing.issue-voucher'] },
        ],
      },
    ],
  },
  {
    name: 'vendor-onboarding',
    domain: 'commerce',
    paragraph:
      "To onboard a new vendor we get their name, tax ID, IBAN, country and expected yearly spend. Validate the tax ID with the tax authority and screen the vendor against sanctions lists. Procurement approves every new vendor, and vendors with an expected yearly spend above 100,000 EUR also need the CFO's approval. Then create the vendor in the ERP.",
    calls: ['tax.validate-tax-id', 'kyc.screen-sanctions', 'procurement.create-vendor'],
    approvals: 2,
    answers: {
      'tax.validate-tax-id': { output: { valid: true, registeredName: 'Tessellate Print Oy' } },
      'kyc.screen-sanctions': { output: { hit: false, lists: [] } },
    },
    branches: [
      {
        what: "the CFO's approval above 100,000 EUR a year",
        cases: [
          {
            label: 'an expected spend of 250,000 EUR',
            input: { ...vendor, expectedAnnualSpend: 250_000 },
            approvalsReached: 2,
            reaches: ['procurement.create-vendor'],
          },
          {
            label: 'an expected spend of 20,000 EUR',
            input: { ...vendor, expectedAnnualSpend: 20_000 },
            approvalsReached: 1,
            reaches: ['procurement.create-vendor'],
          },
        ],
      },
    ],
  },
  {
    name: 'contract-review',
    domain: 'commerce',
    paragraph:
      "When sales uploads a customer contract, extract its key terms: the value, the term, the liability cap and any non-standard clauses. Contracts with non-standard clauses need legal's approval, and contracts worth more than 250,000 EUR also need the sales director's approval; standard contracts below that go straight to signature. Finally send the contract for e-signature to the customer's signer. We get the contract id, the customer's name, the document link and the signer's email.",
    calls: ['legal.extract-contract-terms', 'esign.send-for-signature'],
    approvals: 2,
    branches: [
      {
        what: "legal's and the sales director's approvals",
        cases: [
          {
            label: 'a 300,000 EUR contract with a non-standard clause',
            input: contract,
            answers: { 'legal.extract-contract-terms': terms(300_000, ['Unlimited liability for data breaches']) },
            approvalsReached: 2,
            reaches: ['esign.send-for-signature'],
          },
          {
            label: 'a standard 50,000 EUR contract',
            input: contract,
            answers: { 'legal.extract-contract-terms': terms(50_000, []) },
            approvalsReached: 0,
            reaches: ['esign.send-for-signature'],
          },
          {
            label: 'a 50,000 EUR contract with a non-standard clause',
            input: contract,
            answers: { 'legal.extract-contract-terms': terms(50_000, ['Payment terms of 120 days']) },
            approvalsReached: 1,
            reaches: ['esign.send-for-signature'],
          },
        ],
      },
    ],
  },
];
