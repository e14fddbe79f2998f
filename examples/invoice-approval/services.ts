/**
 * The outside systems of the invoice example, simulated in-process: the ERP, the payment provider
 * and the approvers' inbox. Each is deterministic, configurable, idempotent by the key it is given,
 * and records what was asked of it, so a test can see exactly which side effects happened.
 */

/** How many calls fail before one succeeds, or 'always'. */
export type Failures = number | 'always';

export interface PurchaseOrder {
  poNumber: string;
  vendor: string;
  currency: string;
  amount: number;
  /** Already invoiced against this order. */
  invoiced: number;
  status: 'open' | 'closed';
}

export interface PostInvoiceRequest {
  idempotencyKey: string;
  invoiceId: string;
  poNumber: string;
  paymentId: string;
  amount: number;
  currency: string;
}

export interface ErpPosting extends PostInvoiceRequest {
  /** The ERP's document number for the booked invoice. */
  document: string;
}

export interface ErpRejection {
  idempotencyKey: string;
  invoiceId: string;
  reason: string;
}

/** The ERP refused a call; retrying later can succeed. */
export class ErpUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErpUnavailableError';
  }
}

export interface ErpOptions {
  purchaseOrders?: PurchaseOrder[];
  /** Postings refused before one goes through. Default 0. */
  failPostings?: Failures;
  /** Simulated latency of each call, in ms. Default 0. */
  latencyMs?: number;
}

export class ErpSystem {
  readonly purchaseOrders = new Map<string, PurchaseOrder>();
  readonly postings: ErpPosting[] = [];
  readonly rejections: ErpRejection[] = [];
  /** Every posting request, refused and repeated ones included. */
  postingAttempts = 0;
  #failPostings: Failures;
  readonly #latencyMs: number;

  constructor(options: ErpOptions = {}) {
    for (const po of options.purchaseOrders ?? []) this.purchaseOrders.set(po.poNumber, { ...po });
    this.#failPostings = options.failPostings ?? 0;
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** Changes how many of the next postings are refused. */
  failPostings(failures: Failures): void {
    this.#failPostings = failures;
  }

  async getPurchaseOrder(poNumber: string): Promise<PurchaseOrder | undefined> {
    await latency(this.#latencyMs);
    const po = this.purchaseOrders.get(poNumber);
    return po === undefined ? undefined : { ...po };
  }

  /** Books a paid invoice against its purchase order; a repeated key returns the first booking. */
  async postInvoice(request: PostInvoiceRequest): Promise<ErpPosting> {
    await latency(this.#latencyMs);
    this.postingAttempts++;
    if (this.#failPostings === 'always' || this.#failPostings > 0) {
      if (this.#failPostings !== 'always') this.#failPostings--;
      throw new ErpUnavailableError(`The ERP refused to book invoice ${request.invoiceId} (simulated outage); try again later.`);
    }
    const earlier = this.postings.find((p) => p.idempotencyKey === request.idempotencyKey);
    if (earlier !== undefined) return { ...earlier };
    const po = this.purchaseOrders.get(request.poNumber);
    if (po !== undefined) po.invoiced = Math.round((po.invoiced + request.amount) * 100) / 100;
    const posting: ErpPosting = { ...request, document: `ERP-${String(this.postings.length + 1).padStart(6, '0')}` };
    this.postings.push(posting);
    return { ...posting };
  }

  async recordRejection(rejection: ErpRejection): Promise<ErpRejection> {
    await latency(this.#latencyMs);
    const earlier = this.rejections.find((r) => r.idempotencyKey === rejection.idempotencyKey);
    if (earlier !== undefined) return { ...earlier };
    this.rejections.push({ ...rejection });
    return { ...rejection };
  }
}

export interface PayRequest {
  idempotencyKey: string;
  payee: string;
  amount: number;
  currency: string;
  /** Shown on the payee's statement: the invoice number. */
  reference: string;
}

export interface Payment extends PayRequest {
  paymentId: string;
  status: 'settled' | 'reversed';
}

export interface Reversal {
  reversalId: string;
  paymentId: string;
  idempotencyKey: string;
  reason: string;
}

export interface PaymentReceipt {
  paymentId: string;
  amount: number;
  currency: string;
}

export class PaymentService {
  /** Money actually sent: one entry per distinct idempotency key. */
  readonly payments: Payment[] = [];
  readonly reversals: Reversal[] = [];
  /** Every pay request, repeats answered from the idempotency record included. */
  payRequests = 0;
  readonly #latencyMs: number;

  constructor(options: { latencyMs?: number } = {}) {
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** Pays once per idempotency key: a repeated request returns the first payment, nothing is sent twice. */
  async pay(request: PayRequest): Promise<PaymentReceipt> {
    await latency(this.#latencyMs);
    this.payRequests++;
    let payment = this.payments.find((p) => p.idempotencyKey === request.idempotencyKey);
    if (payment === undefined) {
      payment = { ...request, paymentId: `PAY-${String(this.payments.length + 1).padStart(4, '0')}`, status: 'settled' };
      this.payments.push(payment);
    }
    return { paymentId: payment.paymentId, amount: payment.amount, currency: payment.currency };
  }

  /** Sends a payment back; a repeated key returns the first reversal. */
  async reverse(request: { paymentId: string; idempotencyKey: string; reason: string }): Promise<Reversal> {
    await latency(this.#latencyMs);
    const earlier = this.reversals.find((r) => r.idempotencyKey === request.idempotencyKey);
    if (earlier !== undefined) return { ...earlier };
    const payment = this.payments.find((p) => p.paymentId === request.paymentId);
    if (payment === undefined) throw new Error(`Payment ${request.paymentId} does not exist; nothing to reverse.`);
    payment.status = 'reversed';
    const reversal: Reversal = { ...request, reversalId: `REV-${String(this.reversals.length + 1).padStart(4, '0')}` };
    this.reversals.push(reversal);
    return { ...reversal };
  }
}

export interface ApprovalRequest {
  idempotencyKey: string;
  /** The approver asked to decide. */
  to: string;
  invoiceId: string;
  summary: string;
  escalation: boolean;
}

/** Where approvers are asked to decide (an email or chat message in real life). */
export class ApproverInbox {
  readonly requests: ApprovalRequest[] = [];

  async notify(request: ApprovalRequest): Promise<void> {
    if (this.requests.some((r) => r.idempotencyKey === request.idempotencyKey)) return;
    this.requests.push({ ...request });
  }

  for(approver: string): ApprovalRequest[] {
    return this.requests.filter((r) => r.to === approver);
  }
}

export interface InvoiceServices {
  erp: ErpSystem;
  payments: PaymentService;
  inbox: ApproverInbox;
}

/** The purchase orders the ERP starts with. */
export const SAMPLE_PURCHASE_ORDERS: readonly PurchaseOrder[] = [
  { poNumber: 'PO-1001', vendor: 'Acme Office Supplies', currency: 'EUR', amount: 2_000, invoiced: 0, status: 'open' },
  { poNumber: 'PO-2002', vendor: 'Northwind Logistics', currency: 'EUR', amount: 15_000, invoiced: 0, status: 'open' },
  { poNumber: 'PO-3003', vendor: 'Globex Consulting', currency: 'USD', amount: 8_000, invoiced: 8_000, status: 'closed' },
];

export interface InvoiceServicesOptions {
  purchaseOrders?: readonly PurchaseOrder[];
  failErpPostings?: Failures;
  /** Simulated latency of each outside call, in ms. Default 0. */
  latencyMs?: number;
}

export function createInvoiceServices(options: InvoiceServicesOptions = {}): InvoiceServices {
  const latencyMs = options.latencyMs ?? 0;
  return {
    erp: new ErpSystem({ purchaseOrders: [...(options.purchaseOrders ?? SAMPLE_PURCHASE_ORDERS)], failPostings: options.failErpPostings ?? 0, latencyMs }),
    payments: new PaymentService({ latencyMs }),
    inbox: new ApproverInbox(),
  };
}

function latency(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
