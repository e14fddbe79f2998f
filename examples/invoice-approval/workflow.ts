/**
 * Invoice approval: extract the invoice, check it against its purchase order, route it by amount,
 * wait for a person to approve it (escalating when nobody answers), pay it, and book it in the ERP.
 * If the booking fails for good, the payment is reversed by its compensation (a saga).
 */
import { ErrorCode, TIMED_OUT, TerminalError, defineWorkflow, hasErrorCode, toMillis } from '@baton/core';
import type { Duration, RetryPolicy, TimedOut, Workflow, WorkflowContext } from '@baton/core';
import { z } from 'zod';
import { stageProgress, type StageProgress } from '../stage-progress.js';
import { formatMoney, parseInvoice, purchaseOrderMismatches, type Invoice } from './invoice.js';
import { createInvoiceServices, type InvoiceServices } from './services.js';

export const InvoiceInput = z.object({
  /** The invoice document as received (see parseInvoice for its format). */
  document: z.string().min(1).max(100_000),
});
export type InvoiceInput = z.infer<typeof InvoiceInput>;

const invoiceFields = {
  invoiceId: z.string(),
  vendor: z.string(),
  amount: z.number(),
  currency: z.string(),
};

export const InvoiceOutcome = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('paid'),
    ...invoiceFields,
    approvedBy: z.string(),
    autoApproved: z.boolean(),
    paymentId: z.string(),
    erpDocument: z.string(),
  }),
  z.object({
    status: z.literal('rejected'),
    ...invoiceFields,
    rejectedBy: z.string().optional(),
    reason: z.string(),
  }),
]);
export type InvoiceOutcome = z.infer<typeof InvoiceOutcome>;

/** The payload of the 'approval' signal: `baton signal <run> approval --data '{"approved":true,"approver":"dana"}'`. */
export const ApprovalDecision = z.object({
  approved: z.boolean(),
  approver: z.string().min(1),
  comment: z.string().optional(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const InvoiceStage = {
  Extracting: 'extracting',
  Validating: 'validating',
  AwaitingApproval: 'awaiting-approval',
  Escalated: 'escalated',
  Paying: 'paying',
  Booking: 'booking',
  Paid: 'paid',
  Rejected: 'rejected',
} as const;
export type InvoiceStage = (typeof InvoiceStage)[keyof typeof InvoiceStage];

/** What `ctx.setProgress` shows while a run is in flight. */
export type InvoiceProgress = StageProgress<InvoiceStage>;

export interface InvoicePolicy {
  /** Invoices below this amount are approved without a person. */
  autoApproveBelow: number;
  /** Who approves the others, and who decides when they do not answer in time. */
  approver: string;
  escalateTo: string;
  approvalTimeout: Duration;
  escalationTimeout: Duration;
  /** Retries of the ERP booking before the run fails and the payment is reversed. */
  erpRetry: RetryPolicy;
}

export const DEFAULT_INVOICE_POLICY: InvoicePolicy = {
  autoApproveBelow: 1_000,
  approver: 'dana',
  escalateTo: 'sam',
  approvalTimeout: '3 days',
  escalationTimeout: '2 days',
  erpRetry: { maxAttempts: 5, initialInterval: '1s', maxInterval: '30s' },
};

type Decision = { approved: true; approver: string; auto: boolean; comment?: string } | { approved: false; approver?: string; reason: string };

/** The invoice workflow bound to the systems it talks to (tests pass their own). */
export function createInvoiceWorkflow(services: InvoiceServices, policy: Partial<InvoicePolicy> = {}): Workflow<InvoiceInput, InvoiceOutcome> {
  const rules: InvoicePolicy = { ...DEFAULT_INVOICE_POLICY, ...policy };

  return defineWorkflow(
    {
      name: 'invoice-approval',
      input: InvoiceInput,
      output: InvoiceOutcome,
      description: 'Extract, validate against the PO, approve (with escalation), pay and book an invoice; reverses the payment if booking fails.',
      signals: { approval: ApprovalDecision },
    },
    async (ctx, input) => {
      const progress = stageProgress<InvoiceStage>(ctx);

      progress(InvoiceStage.Extracting, 'reading the invoice document');
      const invoice = await ctx.step('extract', () => parseInvoice(input.document));
      const summary = `${invoice.invoiceId} (${formatMoney(invoice.amount, invoice.currency)} from ${invoice.vendor})`;
      const fields = { invoiceId: invoice.invoiceId, vendor: invoice.vendor, amount: invoice.amount, currency: invoice.currency };

      progress(InvoiceStage.Validating, `checking ${summary} against purchase order ${invoice.poNumber}`);
      await ctx.step(
        'validate-po',
        async () => {
          const po = await services.erp.getPurchaseOrder(invoice.poNumber);
          const problems = po === undefined ? [`purchase order ${invoice.poNumber} does not exist`] : purchaseOrderMismatches(invoice, po);
          if (problems.length > 0) {
            throw new TerminalError(
              `Invoice ${invoice.invoiceId} does not match purchase order ${invoice.poNumber}: ${problems.join('; ')}. Correct the invoice or the purchase order, then submit the invoice again.`,
              { code: 'INVOICE_PO_MISMATCH', details: { problems } },
            );
          }
          return { poNumber: invoice.poNumber, matched: true };
        },
        // What is checked against the purchase order: a mismatch's page shows it next to the error.
        { input: { ...fields, poNumber: invoice.poNumber, lines: invoice.lines } },
      );

      const decision = await decide(ctx, services, rules, invoice, summary, progress);

      if (!decision.approved) {
        progress(InvoiceStage.Rejected, `${summary} rejected: ${decision.reason}`);
        const rejection = { invoiceId: invoice.invoiceId, reason: decision.reason };
        await ctx.step('record-rejection', (info) => services.erp.recordRejection({ idempotencyKey: info.idempotencyKey, ...rejection }), { input: rejection });
        return { status: 'rejected', ...fields, reason: decision.reason, ...(decision.approver === undefined ? {} : { rejectedBy: decision.approver }) };
      }

      progress(InvoiceStage.Paying, `paying ${summary}, approved by ${decision.approver}`);
      const order = { payee: invoice.vendor, amount: invoice.amount, currency: invoice.currency, reference: invoice.invoiceId };
      const payment = await ctx.step('pay', (info) => services.payments.pay({ idempotencyKey: info.idempotencyKey, ...order }), {
        input: order,
        // Saga: runs only if the run fails for good after this step completed.
        compensate: (paid, info) =>
          services.payments.reverse({
            paymentId: paid.paymentId,
            idempotencyKey: info.idempotencyKey,
            reason: `invoice ${invoice.invoiceId} could not be booked in the ERP`,
          }),
      });

      progress(InvoiceStage.Booking, `booking ${invoice.invoiceId} and payment ${payment.paymentId} in the ERP`);
      const booking = {
        invoiceId: invoice.invoiceId,
        poNumber: invoice.poNumber,
        paymentId: payment.paymentId,
        amount: invoice.amount,
        currency: invoice.currency,
      };
      const posting = await ctx.step('update-erp', (info) => services.erp.postInvoice({ idempotencyKey: info.idempotencyKey, ...booking }), {
        input: booking,
        retry: rules.erpRetry,
      });

      progress(InvoiceStage.Paid, `paid ${summary}: payment ${payment.paymentId}, ERP document ${posting.document}`);
      return {
        status: 'paid',
        ...fields,
        approvedBy: decision.approver,
        autoApproved: decision.auto,
        paymentId: payment.paymentId,
        erpDocument: posting.document,
      };
    },
  );
}

/** Routes by amount: small invoices pass, the others wait for the approver, then for the escalation. */
async function decide(
  ctx: WorkflowContext,
  services: InvoiceServices,
  rules: InvoicePolicy,
  invoice: Invoice,
  summary: string,
  progress: (stage: InvoiceStage, detail: string) => void,
): Promise<Decision> {
  if (invoice.amount < rules.autoApproveBelow) {
    return { approved: true, approver: 'auto', auto: true, comment: `under the ${formatMoney(rules.autoApproveBelow, invoice.currency)} limit` };
  }

  const request = { to: rules.approver, invoiceId: invoice.invoiceId, summary, escalation: false };
  await ctx.step('request-approval', (info) => services.inbox.notify({ idempotencyKey: info.idempotencyKey, ...request }), { input: request });
  progress(InvoiceStage.AwaitingApproval, `waiting up to ${String(rules.approvalTimeout)} for ${rules.approver} to approve ${summary}`);
  let answer = await waitForApproval(ctx, rules.approvalTimeout, [rules.approver]);

  if (answer === TIMED_OUT) {
    const escalation = { to: rules.escalateTo, invoiceId: invoice.invoiceId, summary, escalation: true };
    await ctx.step('escalate', (info) => services.inbox.notify({ idempotencyKey: info.idempotencyKey, ...escalation }), { input: escalation });
    progress(
      InvoiceStage.Escalated,
      `${rules.approver} did not answer within ${String(rules.approvalTimeout)}; waiting up to ${String(rules.escalationTimeout)} for ${rules.escalateTo}`,
    );
    answer = await waitForApproval(ctx, rules.escalationTimeout, [rules.approver, rules.escalateTo]);
  }

  if (answer === TIMED_OUT) {
    return {
      approved: false,
      reason: `no decision from ${rules.approver} within ${String(rules.approvalTimeout)} nor from ${rules.escalateTo} within ${String(rules.escalationTimeout)}`,
    };
  }
  if (!answer.approved) return { approved: false, approver: answer.approver, reason: answer.comment ?? `rejected by ${answer.approver}` };
  return { approved: true, approver: answer.approver, auto: false, ...(answer.comment === undefined ? {} : { comment: answer.comment }) };
}

/**
 * Waits for an 'approval' signal from one of `approvers` until `timeout` has passed. A malformed
 * signal is refused when sent (the workflow declares its schema); one that reaches the run anyway
 * (stored by a process that checks nothing), or one from somebody else, is journaled and ignored:
 * the invoice keeps waiting for the rest of the time instead of failing.
 */
async function waitForApproval(ctx: WorkflowContext, timeout: Duration, approvers: readonly string[]): Promise<ApprovalDecision | TimedOut> {
  const deadline = ctx.now().getTime() + toMillis(timeout);
  let remaining: Duration = timeout;
  for (;;) {
    try {
      const answer = await ctx.waitForSignal('approval', { schema: ApprovalDecision, timeout: remaining });
      if (answer === TIMED_OUT || approvers.includes(answer.approver)) return answer;
    } catch (error) {
      if (!hasErrorCode(error, ErrorCode.InvalidSignal)) throw error;
    }
    remaining = Math.max(0, deadline - ctx.now().getTime());
  }
}

/** The systems the demo's invoice workflow talks to. */
export const invoiceServices = createInvoiceServices({ latencyMs: 250 });

/** The instance `baton dev --workflows examples/index.ts` registers. */
export const invoiceApproval = createInvoiceWorkflow(invoiceServices);
