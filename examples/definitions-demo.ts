/**
 * The YAML part of the demo (examples/definitions, loaded by `--workflows
 * examples/index.ts,examples/definitions`): an expense claim large enough to wait for a manager's
 * approval, answered a moment later as 'dana'; a VIP onboarding that runs the TypeScript
 * customer-onboarding workflow and asks a model for a welcome note; and a shipping quote whose
 * 42 kg parcel goes by freight after the carrier's retries.
 */
import { isTerminalStatus, uuidv7, type Client, type Engine, type RunHandle } from '@baton/core';

export const EXPENSE_CLAIM = {
  claimId: 'EXP-0815',
  employee: 'Ravi Patel',
  amount: 1240,
  currency: 'EUR',
  purpose: 'Flights and hotel for the Lisbon customer workshop',
};
export const VIP_CUSTOMER = {
  customer: {
    customerId: 'CUST-2001',
    fullName: 'Grace Hopper',
    email: 'grace.hopper@example.com',
    dateOfBirth: '1986-12-09',
    country: 'US',
    documentNumber: 'X9876543',
    requestedCreditLimit: 10_000,
  },
  accountManager: 'Noor',
};
export const SHIPMENT = {
  orderId: 'ORD-7310',
  country: 'NL',
  parcels: [
    { id: 'P1', weightKg: 2.5 },
    { id: 'P2', weightKg: 42 },
  ],
};

/** The definitions the demo starts, by their Baton names (`<namespace>.<name>`). */
export const DEMO_DEFINITIONS = ['examples.expense-claim', 'examples.vip-onboarding', 'examples.shipping-quote'] as const;

/**
 * Starts the expense claim the demo leaves unanswered: half a minute into its wait it fires the
 * 'approvals-waiting' alert of examples/alerts.yaml, and after a minute its approval is reassigned
 * to finance-leads (the inbox shows it) while the alert goes on firing.
 */
export async function leaveClaimUnanswered(client: Client, log: (line: string) => void): Promise<RunHandle> {
  const unanswered = await client.start('examples.expense-claim', { ...EXPENSE_CLAIM, claimId: `${EXPENSE_CLAIM.claimId}-B` });
  log(`demo: expense claim ${unanswered.id} is left unanswered: in a minute its approval escalates to finance-leads (see the inbox)`);
  return unanswered;
}

export interface DefinitionsDemoOptions {
  client: Client;
  engine?: Engine;
  log: (line: string) => void;
  approvalDelayMs: number;
  timeoutMs: number;
}

export async function definitionsDemo({ client, engine, log, approvalDelayMs, timeoutMs }: DefinitionsDemoOptions): Promise<void> {
  const missing = engine === undefined ? [] : DEMO_DEFINITIONS.filter((name) => engine.workflows.get(name) === undefined);
  if (missing.length > 0) {
    log(`demo: the YAML definitions (${missing.join(', ')}) are not loaded; add their folder: --workflows examples/index.ts,examples/definitions`);
    return;
  }
  const claimId = uuidv7(Date.now());
  log(
    `demo: starting YAML definition examples.expense-claim run ${claimId}: ${EXPENSE_CLAIM.amount} ${EXPENSE_CLAIM.currency}, over 500, so a manager approves it`,
  );
  const claim = await client.start('examples.expense-claim', EXPENSE_CLAIM, { id: claimId });
  log(`demo: starting YAML definition examples.vip-onboarding: the TypeScript customer-onboarding workflow as a child run, then a model call`);
  const vip = await client.start('examples.vip-onboarding', VIP_CUSTOMER);
  log(`demo: starting YAML definition examples.shipping-quote for ${SHIPMENT.orderId}: a switch, a for loop, try/retry and raise`);
  const quote = await client.start('examples.shipping-quote', SHIPMENT);

  await leaveClaimUnanswered(client, log);

  if (await waitsForSignal(client, claim.id, 'approval', timeoutMs)) {
    log(`demo: expense claim ${claim.id} waits in the inbox for an 'approval' signal with its form`);
    await new Promise((resolve) => setTimeout(resolve, approvalDelayMs));
    log(`demo: approving expense claim ${EXPENSE_CLAIM.claimId} as 'dana'`);
    await client.signal(claim.id, 'approval', { approved: true, approver: 'dana', comment: 'Within the travel policy.' });
  }
  const [claimResult, vipResult, quoteResult] = await Promise.allSettled([claim.result({ timeoutMs }), vip.result({ timeoutMs }), quote.result({ timeoutMs })]);
  log(
    outcome(
      'expense-claim',
      claim.id,
      claimResult,
      (o: { claimId: string; status: string; approvedBy: string }) => `${o.claimId} ${o.status} by ${o.approvedBy}`,
    ),
  );
  log(
    outcome(
      'vip-onboarding',
      vip.id,
      vipResult,
      (o: { customerId: string; accountId: string; welcome: { subject: string } }) =>
        `${o.customerId} onboarded as ${o.accountId}; welcome note drafted: "${o.welcome.subject}"`,
    ),
  );
  log(
    outcome(
      'shipping-quote',
      quote.id,
      quoteResult,
      (o: { orderId: string; total: number; quotes: { parcel: string; method: string }[] }) =>
        `${o.orderId} quoted ${o.total.toFixed(2)} (${o.quotes.map((q) => `${q.parcel} by ${q.method}`).join(', ')})`,
    ),
  );
}

function outcome<T>(label: string, runId: string, result: PromiseSettledResult<unknown>, describe: (output: T) => string): string {
  if (result.status === 'fulfilled') return `demo: ${label} ${runId} → ${describe(result.value as T)}`;
  const error = result.reason as { code?: unknown; details?: { error?: unknown } };
  const fault = error.details?.error === undefined ? '' : ` ${JSON.stringify(error.details.error)}`;
  return `demo: ${label} ${runId} failed${typeof error.code === 'string' ? ` (${error.code})` : ''}: ${error instanceof Error ? error.message : String(error)}${fault}`;
}

/** Polls until the run waits for `signal` (true) or has ended (false). */
async function waitsForSignal(client: Client, runId: string, signal: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.get(runId);
    if (run === undefined || isTerminalStatus(run.status)) return false;
    if (run.status === 'waiting' && run.waitingFor?.signals.includes(signal) === true) return true;
    if (Date.now() > deadline) throw new Error(`Run ${runId} did not wait for '${signal}' within ${timeoutMs} ms (it is ${run.status}). Is an engine running?`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
