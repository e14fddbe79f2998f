/** The invoice workflow end to end: real engine, real SQLite file, ManualClock for the approval timeouts. */
import { ErrorCode, defaultPayloadCodec, type JournalEntryInfo } from '@baton/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, startTestEngine, waitFor, waitForEnd, waitForRun, waitForSignalWait, type TestEngine } from '../test-support.js';
import { parseInvoice } from './invoice.js';
import { createInvoiceServices, type InvoiceServicesOptions } from './services.js';
import { createInvoiceWorkflow, type InvoiceOutcome, type InvoicePolicy, type InvoiceProgress } from './workflow.js';

const SMALL_INVOICE = [
  'Invoice: INV-2030-0007',
  'Vendor: Acme Office Supplies',
  'PO: PO-1001',
  'Currency: EUR',
  'Line: A4 paper, 10 boxes | 10 | 24.50',
  'Line: Toner cartridge | 2 | 89.00',
  'Total: 423.00',
].join('\n');

const LARGE_INVOICE = [
  'Invoice: INV-2030-0042',
  'Vendor: Northwind Logistics',
  'PO: PO-2002',
  'Currency: EUR',
  'Line: Freight Hamburg to Rotterdam | 2 | 1850.00',
  'Line: Customs clearance | 1 | 1160.00',
  'Total: 4860.00',
].join('\n');

let current: TestEngine | undefined;

afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function setup(options: InvoiceServicesOptions = {}, policy: Partial<InvoicePolicy> = {}) {
  const services = createInvoiceServices(options);
  const workflow = createInvoiceWorkflow(services, { erpRetry: { maxAttempts: 3, initialInterval: 10, maxInterval: 50 }, ...policy });
  current = await startTestEngine([workflow]);
  const { client } = current;
  const start = async (document: string) => client.start(workflow, { document });
  const journal = (runId: string): Promise<JournalEntryInfo[]> => engine().client.journal(runId);
  return { ...current, services, workflow, start, journal };
}

function engine(): TestEngine {
  if (current === undefined) throw new Error('No engine is running.');
  return current;
}

const stepNames = (journal: JournalEntryInfo[]): string[] => journal.filter((e) => e.kind === 'step').map((e) => e.name);

describe('invoice-approval', () => {
  it('auto-approves and pays a small invoice', async () => {
    const { client, services, start, journal } = await setup();
    const run = await start(SMALL_INVOICE);

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toEqual<InvoiceOutcome>({
      status: 'paid',
      invoiceId: 'INV-2030-0007',
      vendor: 'Acme Office Supplies',
      amount: 423,
      currency: 'EUR',
      approvedBy: 'auto',
      autoApproved: true,
      paymentId: 'PAY-0001',
      erpDocument: 'ERP-000001',
    });
    expect(services.payments.payments).toMatchObject([{ paymentId: 'PAY-0001', payee: 'Acme Office Supplies', amount: 423, status: 'settled' }]);
    expect(services.erp.postings).toMatchObject([{ invoiceId: 'INV-2030-0007', paymentId: 'PAY-0001' }]);
    expect(services.inbox.requests).toEqual([]);
    expect(stepNames(await journal(run.id))).toEqual(['extract', 'validate-po', 'pay', 'update-erp']);
    expect((await client.get(run.id))?.progress).toMatchObject<Partial<InvoiceProgress>>({ stage: 'paid' });
  });

  it('waits for a person to approve a large invoice, then pays it', async () => {
    const { client, services, start } = await setup();
    const run = await start(LARGE_INVOICE);

    const waiting = await waitForSignalWait(client, run.id, 'approval');
    expect(waiting.progress).toMatchObject<Partial<InvoiceProgress>>({ stage: 'awaiting-approval' });
    expect(services.inbox.for('dana')).toHaveLength(1);
    expect(services.payments.payRequests).toBe(0);

    await client.signal(run.id, 'approval', { approved: true, approver: 'dana', comment: 'fine' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'paid', approvedBy: 'dana', autoApproved: false, amount: 4860 });
    expect(services.payments.payments).toHaveLength(1);
    expect(services.erp.postings).toHaveLength(1);
  });

  it('keeps waiting for approval across an engine restart', async () => {
    const { client, services, start, journal } = await setup();
    const run = await start(LARGE_INVOICE);
    await waitForSignalWait(client, run.id, 'approval');

    current = await engine().restart();
    await current.client.signal(run.id, 'approval', { approved: true, approver: 'dana' });

    expect(await current.client.result(run.id, { timeoutMs: 10_000 })).toMatchObject({ status: 'paid', approvedBy: 'dana' });
    expect(services.inbox.requests).toHaveLength(1);
    expect(services.payments.payments).toHaveLength(1);
    expect(stepNames(await journal(run.id))).toEqual(['extract', 'validate-po', 'request-approval', 'pay', 'update-erp']);
  });

  it('escalates to the second approver when the first does not answer in 3 days', async () => {
    const { client, clock, services, start, journal } = await setup();
    const run = await start(LARGE_INVOICE);
    await waitForSignalWait(client, run.id, 'approval');

    clock.advance(3 * DAY);
    const escalated = await waitForRun(
      client,
      run.id,
      'to wait for the escalation',
      (r) => r.status === 'waiting' && (r.progress as InvoiceProgress | undefined)?.stage === 'escalated',
    );
    expect(escalated.waitingFor?.signals).toEqual(['approval']);
    expect(services.inbox.requests.map((r) => [r.to, r.escalation])).toEqual([
      ['dana', false],
      ['sam', true],
    ]);

    await client.signal(run.id, 'approval', { approved: true, approver: 'sam' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'paid', approvedBy: 'sam' });
    const waits = (await journal(run.id)).filter((e) => e.kind === 'signal');
    expect(waits.map((e) => [e.status, e.error?.code])).toEqual([
      ['failed', ErrorCode.Timeout],
      ['completed', undefined],
    ]);
    expect(services.payments.payments).toHaveLength(1);
  });

  it('rejects the invoice when the escalation times out too', async () => {
    const { client, clock, services, start } = await setup();
    const run = await start(LARGE_INVOICE);
    await waitForSignalWait(client, run.id, 'approval');

    clock.advance(3 * DAY);
    await waitForRun(client, run.id, 'to be escalated', (r) => r.status === 'waiting' && (r.progress as InvoiceProgress | undefined)?.stage === 'escalated');
    clock.advance(2 * DAY);
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'rejected', invoiceId: 'INV-2030-0042' });
    expect(outcome.status === 'rejected' && outcome.reason).toContain('no decision from dana within 3 days nor from sam within 2 days');
    expect(services.payments.payRequests).toBe(0);
    expect(services.erp.rejections).toMatchObject([{ invoiceId: 'INV-2030-0042' }]);
  });

  it('records a rejection by the approver without paying', async () => {
    const { client, services, start } = await setup();
    const run = await start(LARGE_INVOICE);
    await waitForSignalWait(client, run.id, 'approval');

    await client.signal(run.id, 'approval', { approved: false, approver: 'dana', comment: 'Freight was already paid on INV-2030-0031.' });

    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({
      status: 'rejected',
      rejectedBy: 'dana',
      reason: 'Freight was already paid on INV-2030-0031.',
    });
    expect(services.payments.payRequests).toBe(0);
  });

  it('ignores malformed approvals and approvals from people who are not approvers', async () => {
    const { client, clock, services, start, journal, store } = await setup();
    const run = await start(LARGE_INVOICE);
    await waitForSignalWait(client, run.id, 'approval');

    // A malformed approval is refused when sent: the workflow declares the approval's schema.
    await expect(client.signal(run.id, 'approval', { approved: 'yes', approver: 'dana' })).rejects.toMatchObject({
      code: ErrorCode.InvalidSignal,
      details: { signal: 'approval', fields: [{ path: 'approved' }] },
    });
    // One that reaches the run anyway (stored by a process that checks nothing) is consumed and ignored.
    await store.sendSignal(run.id, 'approval', defaultPayloadCodec.encode({ approved: 'yes', approver: 'dana' }), clock.now());
    await client.signal(run.id, 'approval', { approved: true, approver: 'mallory' });
    await waitFor('both bad approvals to be consumed', async () => (await journal(run.id)).filter((e) => e.kind === 'signal').length === 2);
    await waitForSignalWait(client, run.id, 'approval');
    expect(services.payments.payRequests).toBe(0);

    await client.signal(run.id, 'approval', { approved: true, approver: 'dana' });
    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ status: 'paid', approvedBy: 'dana' });
    const waits = (await journal(run.id)).filter((e) => e.kind === 'signal');
    expect(waits.map((e) => [e.status, e.error?.code])).toEqual([
      ['failed', ErrorCode.InvalidSignal],
      ['completed', undefined],
      ['completed', undefined],
    ]);
  });

  it('reverses the payment when the ERP update fails for good (saga)', async () => {
    const { client, clock, services, start, journal } = await setup({ failErpPostings: 'always' });
    const run = await start(SMALL_INVOICE);

    const ended = await waitForEnd(client, run.id, { clock, advanceMs: 25 });

    expect(ended.status).toBe('failed');
    expect(ended.error?.message).toContain("Step 'update-erp'");
    expect(ended.error?.message).toContain('The ERP refused to book invoice INV-2030-0007');
    await expect(run.result()).rejects.toMatchObject({ code: ErrorCode.StepFailed });
    expect(services.erp.postingAttempts).toBe(3);
    expect(services.payments.payments).toMatchObject([{ paymentId: 'PAY-0001', status: 'reversed' }]);
    expect(services.payments.reversals).toMatchObject([{ paymentId: 'PAY-0001', reason: 'invoice INV-2030-0007 could not be booked in the ERP' }]);

    const entries = await journal(run.id);
    const pay = entries.find((e) => e.kind === 'step' && e.name === 'pay');
    expect(entries.find((e) => e.name === 'update-erp')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(entries.at(-1)).toMatchObject({ kind: 'compensation', name: 'compensate:pay', status: 'completed', compensates: pay?.seq });
  });

  it('retries a briefly unavailable ERP and pays only once', async () => {
    const { client, clock, services, start, journal } = await setup({ failErpPostings: 2 });
    const run = await start(SMALL_INVOICE);

    const ended = await waitForEnd(client, run.id, { clock, advanceMs: 25 });

    expect(ended.status).toBe('completed');
    expect(services.erp.postingAttempts).toBe(3);
    expect(services.payments.payments).toHaveLength(1);
    expect(services.payments.reversals).toEqual([]);
    expect((await journal(run.id)).find((e) => e.name === 'update-erp')).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('fails without paying when the invoice does not match its purchase order', async () => {
    const { client, services, start, journal } = await setup();
    const run = await start(LARGE_INVOICE.replace('Vendor: Northwind Logistics', 'Vendor: Northwind Logistics Ltd'));

    await expect(run.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: ErrorCode.StepFailed, cause: { code: 'INVOICE_PO_MISMATCH' } });
    const info = await client.get(run.id);
    expect(info?.status).toBe('failed');
    expect(info?.error?.message).toContain('Invoice INV-2030-0042 does not match purchase order PO-2002');
    expect(info?.error?.message).toContain("the vendor is 'Northwind Logistics Ltd' but the purchase order is with 'Northwind Logistics'");
    expect(services.payments.payRequests).toBe(0);
    expect(services.erp.postingAttempts).toBe(0);
    expect(await journal(run.id)).toMatchObject([
      { name: 'extract', status: 'completed' },
      { name: 'validate-po', status: 'failed', attempts: 1 },
    ]);
  });
});

describe('the simulated payment service', () => {
  it('pays once per idempotency key, however often it is asked', async () => {
    const { payments } = createInvoiceServices();
    const request = { idempotencyKey: 'run-1:4', payee: 'Acme Office Supplies', amount: 423, currency: 'EUR', reference: 'INV-2030-0007' };

    const first = await payments.pay(request);
    const again = await payments.pay(request);

    expect(again).toEqual(first);
    expect(payments.payRequests).toBe(2);
    expect(payments.payments).toHaveLength(1);
  });
});

describe('parseInvoice', () => {
  it('reads the fields and lines of a document', () => {
    expect(parseInvoice(LARGE_INVOICE)).toEqual({
      invoiceId: 'INV-2030-0042',
      vendor: 'Northwind Logistics',
      poNumber: 'PO-2002',
      currency: 'EUR',
      amount: 4860,
      lines: [
        { description: 'Freight Hamburg to Rotterdam', quantity: 2, unitPrice: 1850, total: 3700 },
        { description: 'Customs clearance', quantity: 1, unitPrice: 1160, total: 1160 },
      ],
    });
  });

  it('refuses a document whose lines do not add up to its total', () => {
    expect(() => parseInvoice(LARGE_INVOICE.replace('Total: 4860.00', 'Total: 4,900.00'))).toThrow('the lines add up to 4860.00 but the total says 4900.00');
  });
});
