/**
 * The demo `npm start` runs (`baton dev --workflows examples/index.ts --demo`): one invoice large
 * enough to need a person's approval, approved a few seconds later as 'dana', and one customer
 * onboarding, with each run's progress printed as it moves.
 */
import { isTerminalStatus, uuidv7, type Client, type Engine } from '@baton/core';
import { customerOnboarding, type OnboardingInput, type OnboardingOutcome, type OnboardingProgress } from './customer-onboarding/workflow.js';
import { formatMoney, parseInvoice } from './invoice-approval/invoice.js';
import { DEFAULT_INVOICE_POLICY, invoiceApproval, type ApprovalDecision, type InvoiceOutcome, type InvoiceProgress } from './invoice-approval/workflow.js';

export interface DemoOptions {
  client: Client;
  /** The engine running the demo's runs (to follow their progress when `followProgress` is set). */
  engine?: Engine;
  /** Log each run's progress as it moves. Off by default: `baton dev` already prints every progress event. */
  followProgress?: boolean;
  log?: (line: string) => void;
  /** How long the pretend approver takes once the invoice waits for approval. Default 3 s. */
  approvalDelayMs?: number;
  /** Real time to wait for each run before giving up. Default 60 s. */
  timeoutMs?: number;
}

export const DEMO_INVOICE = [
  'Invoice: INV-2030-0042',
  'Vendor: Northwind Logistics',
  'PO: PO-2002',
  'Currency: EUR',
  'Line: Freight Hamburg to Rotterdam | 2 | 1850.00',
  'Line: Customs clearance | 1 | 1160.00',
  'Total: 4860.00',
].join('\n');

export const DEMO_CUSTOMER: OnboardingInput = {
  customerId: 'CUST-1815',
  fullName: 'Ada Lovelace',
  email: 'ada@example.com',
  dateOfBirth: '1990-12-10',
  country: 'GB',
  documentNumber: 'P1234567',
  requestedCreditLimit: 3_000,
};

export async function demo({
  client,
  engine,
  followProgress: follow = false,
  log = console.log,
  approvalDelayMs = 3_000,
  timeoutMs = 60_000,
}: DemoOptions): Promise<void> {
  const invoiceId = uuidv7(Date.now());
  const onboardingId = uuidv7(Date.now());
  const stopFollowing = followProgress(
    follow ? engine : undefined,
    client,
    new Map([
      [invoiceId, 'invoice   '],
      [onboardingId, 'onboarding'],
    ]),
    log,
  );
  try {
    const sample = parseInvoice(DEMO_INVOICE);
    const limit = formatMoney(DEFAULT_INVOICE_POLICY.autoApproveBelow, sample.currency);
    log(
      `demo: starting invoice-approval run ${invoiceId}: ${sample.invoiceId}, ${formatMoney(sample.amount, sample.currency)} from ${sample.vendor} (${limit} or more, so a person approves it)`,
    );
    const invoice = await client.start(invoiceApproval, { document: DEMO_INVOICE }, { id: invoiceId });
    log(`demo: starting customer-onboarding run ${onboardingId} for ${DEMO_CUSTOMER.fullName}: identity and credit checks run in parallel`);
    const onboarding = await client.start(customerOnboarding, DEMO_CUSTOMER, { id: onboardingId });

    if (await waitingForApproval(client, invoice.id, timeoutMs)) {
      log(`demo: invoice run ${invoice.id} is waiting for an 'approval' signal (after 3 days without one it escalates to 'sam')`);
      await new Promise((resolve) => setTimeout(resolve, approvalDelayMs));
      log(`demo: approving invoice ${invoice.id} as 'dana' (a person would do this in the dashboard or with \`baton signal\`)`);
      const decision: ApprovalDecision = { approved: true, approver: 'dana', comment: 'Matches PO-2002; approved in the demo.' };
      await client.signal(invoice.id, 'approval', decision);
    }

    const [invoiceResult, onboardingResult] = await Promise.allSettled([invoice.result({ timeoutMs }), onboarding.result({ timeoutMs })]);
    await stopFollowing();
    log(
      invoiceResult.status === 'fulfilled'
        ? `demo: invoice ${invoice.id} → ${describeInvoice(invoiceResult.value)}`
        : failure('invoice', invoice.id, invoiceResult.reason),
    );
    log(
      onboardingResult.status === 'fulfilled'
        ? `demo: onboarding ${onboarding.id} → ${describeOnboarding(onboardingResult.value)}`
        : failure('onboarding', onboarding.id, onboardingResult.reason),
    );
    log('demo: done. Both runs and their journals stay in the store; start more runs or send signals while this process runs.');
  } finally {
    await stopFollowing();
  }
}

/** Polls until the run waits for 'approval' (true) or has ended (false). */
async function waitingForApproval(client: Client, runId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.get(runId);
    if (run === undefined || isTerminalStatus(run.status)) return false;
    if (run.status === 'waiting' && run.waitingFor?.signals.includes('approval') === true) return true;
    if (Date.now() > deadline)
      throw new Error(`Run ${runId} did not reach its approval step within ${timeoutMs} ms (it is ${run.status}). Is an engine running?`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Logs each new progress value of the given runs; returns a function that stops following. */
function followProgress(engine: Engine | undefined, client: Client, labels: Map<string, string>, log: (line: string) => void): () => Promise<void> {
  if (engine === undefined) return () => Promise.resolve();
  const last = new Map<string, string>();
  let reads = Promise.resolve();
  const unsubscribe = engine.subscribe((event) => {
    const label = labels.get(event.runId);
    if (label === undefined) return;
    reads = reads
      .then(async () => {
        const progress = (await client.get(event.runId))?.progress as InvoiceProgress | OnboardingProgress | undefined;
        if (progress === undefined) return;
        const line = `${progress.stage}: ${progress.detail}`;
        if (last.get(event.runId) === line) return;
        last.set(event.runId, line);
        log(`  ${label} · ${line}`);
      })
      .catch(() => {});
  });
  return async () => {
    unsubscribe();
    await reads;
  };
}

function describeInvoice(outcome: InvoiceOutcome): string {
  const money = formatMoney(outcome.amount, outcome.currency);
  if (outcome.status === 'rejected') return `rejected ${outcome.invoiceId} (${money}): ${outcome.reason}`;
  return `paid ${money} to ${outcome.vendor} for ${outcome.invoiceId} (approved by ${outcome.approvedBy}; payment ${outcome.paymentId}; ERP document ${outcome.erpDocument})`;
}

function describeOnboarding(outcome: OnboardingOutcome): string {
  if (outcome.status === 'verification-failed') return `${outcome.customerId} not onboarded: ${outcome.reason} (no account, no email)`;
  return `${outcome.customerId} onboarded: account ${outcome.accountId}, credit limit ${outcome.creditLimit.toLocaleString('en-US')}, welcome email ${outcome.welcomeEmail}`;
}

function failure(label: string, runId: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `demo: ${label} ${runId} failed${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
}
