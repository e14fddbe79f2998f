/**
 * The YAML examples, each run by the interpreter on a real engine and SQLite file (a manual clock
 * for the approval's three days): their outputs, their DSL errors, the approval's form and
 * escalation, the TypeScript child run and the model call the VIP onboarding makes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedModelServer } from '@baton/ai/testing';
import { customerOnboarding } from '../customer-onboarding/workflow.js';
import { EXPENSE_CLAIM, SHIPMENT, VIP_CUSTOMER } from '../definitions-demo.js';
import { DAY, startTestEngine, startTestModel, waitFor, waitForEnd, waitForSignalWait, type TestEngine } from '../test-support.js';
import { withExampleDefinitions } from './load-definitions.js';

let test: TestEngine;
let model: ScriptedModelServer;

beforeAll(async () => {
  model = await startTestModel({
    responder: () => ({ text: JSON.stringify({ subject: 'Welcome to the VIP desk, Grace', note: 'Noor will call you this week.' }) }),
  });
  test = await startTestEngine(await withExampleDefinitions([customerOnboarding]));
});

afterAll(async () => {
  await test?.stop();
  await model?.close();
});

interface Fault {
  type: string;
  status: number;
  title?: string;
  instance?: string;
}

/** The DSL error object a failed run carries (BATON_WORKFLOW_FAULT's details.error). */
async function failure(runId: string): Promise<Fault | undefined> {
  const error: unknown = await test.client.result(runId, { timeoutMs: 30_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'BATON_WORKFLOW_FAULT' });
  return (error as { details?: { error?: Fault } }).details?.error;
}

describe('examples/definitions/shipping-quote.yaml', () => {
  it('prices light parcels by carrier and, after the carrier refused three times, the heavy one by freight', async () => {
    const run = await test.client.start('examples.shipping-quote', SHIPMENT);
    // The retries' back-off runs on the test's manual clock.
    await waitForEnd(test.client, run.id, { timeoutMs: 30_000, clock: test.clock, advanceMs: 100 });
    expect(await run.result()).toEqual({
      orderId: 'ORD-7310',
      country: 'NL',
      quotes: [
        { parcel: 'P1', method: 'carrier', price: 6.9 },
        { parcel: 'P2', method: 'freight', price: 108 },
      ],
      total: 114.9,
    });
    const journal = await test.client.journal(run.id);
    const refusals = journal.filter((e) => e.kind === 'step' && e.name.includes('/tooHeavyForCarrier') && e.status === 'failed');
    // The first attempt and two retries, each journaled with the error it raised.
    expect(refusals.map((e) => e.name.split(' ')[1])).toEqual(['#2', '#2.2', '#2.3']);
    expect(journal.filter((e) => e.kind === 'sleep')).toHaveLength(2);
  });

  it('raises the unsupported-country error for a country the carrier does not serve', async () => {
    const run = await test.client.start('examples.shipping-quote', { ...SHIPMENT, country: 'BR' });
    expect(await failure(run.id)).toMatchObject({
      type: 'https://baton.dev/examples/errors/unsupported-country',
      status: 422,
      title: 'The carrier does not ship to this country',
      instance: '/do/1/refuse',
    });
  });

  it('refuses input that does not fit its schema', async () => {
    const run = await test.client.start('examples.shipping-quote', { orderId: 'ORD-1', country: 'NL', parcels: [] });
    expect(await failure(run.id)).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation', status: 400 });
  });
});

describe('examples/definitions/expense-claim.yaml', () => {
  it('approves a small claim by policy without asking anyone', async () => {
    const run = await test.client.start('examples.expense-claim', { ...EXPENSE_CLAIM, amount: 120 });
    expect(await run.result({ timeoutMs: 30_000 })).toEqual({ claimId: 'EXP-0815', amount: 120, currency: 'EUR', status: 'approved', approvedBy: 'policy' });
  });

  it("waits for a manager's answer that fits the form", async () => {
    const run = await test.client.start('examples.expense-claim', EXPENSE_CLAIM);
    const waiting = await waitForSignalWait(test.client, run.id, 'approval', { timeoutMs: 30_000 });
    expect(waiting.progress).toMatchObject({ waitingFor: 'approval', title: 'Approve expense claim EXP-0815 of 1240 EUR?' });
    await expect(test.client.signal(run.id, 'approval', { approved: 'yes' })).rejects.toMatchObject({ code: 'BATON_INVALID_SIGNAL' });
    await test.client.signal(run.id, 'approval', { approved: false, approver: 'dana', comment: 'Book economy next time.' });
    expect(await run.result({ timeoutMs: 30_000 })).toEqual({
      claimId: 'EXP-0815',
      amount: 1240,
      currency: 'EUR',
      status: 'rejected',
      approvedBy: 'dana',
      comment: 'Book economy next time.',
    });
  });

  it('escalates a claim nobody answered within 3 days', async () => {
    const run = await test.client.start('examples.expense-claim', EXPENSE_CLAIM);
    await waitForSignalWait(test.client, run.id, 'approval', { timeoutMs: 30_000 });
    // After a minute the manager's approval goes to the finance leads, journaled as an escalation.
    test.clock.advance(60_000);
    await waitFor('the claim to escalate to finance-leads', async () =>
      (await test.client.inbox.list()).entries.find((e) => e.run.id === run.id && e.escalation?.assignee === 'finance-leads'),
    );
    test.clock.advance(3 * DAY + 1);
    await waitForSignalWait(test.client, run.id, 'escalation', { timeoutMs: 30_000, clock: test.clock, advanceMs: 1_000 });
    const escalations = (await test.client.journal(run.id)).filter((e) => e.kind === 'escalation');
    expect(escalations.map((e) => [e.name, (e.output as { to?: string }).to])).toEqual([['reassign', 'finance-leads']]);
    await test.client.signal(run.id, 'escalation', { approved: true, approver: 'sam' });
    expect(await run.result({ timeoutMs: 30_000 })).toMatchObject({ claimId: 'EXP-0815', status: 'approved', approvedBy: 'sam', comment: '' });
  });
});

describe('examples/definitions/vip-onboarding.yaml', () => {
  it('onboards the customer with the TypeScript workflow as a child run, then drafts the welcome note with a model', async () => {
    const calls = model.modelCalls.length;
    const run = await test.client.start('examples.vip-onboarding', VIP_CUSTOMER);
    const output = (await run.result({ timeoutMs: 30_000 })) as { customerId: string; accountId: string; creditLimit: number; welcome: unknown };
    expect(output).toMatchObject({ customerId: 'CUST-2001', welcome: { subject: 'Welcome to the VIP desk, Grace', note: 'Noor will call you this week.' } });
    expect(output.accountId).toMatch(/\S+/);
    const children = await test.client.list({ parentId: run.id });
    expect(children.runs.map((child) => [child.workflow, child.status])).toEqual([['customer-onboarding', 'completed']]);
    expect(model.modelCalls).toHaveLength(calls + 1);
    const prompt = model.modelCalls
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(prompt).toContain('Draft a welcome note for customer CUST-2001');
    expect(prompt).toContain('Their account manager is Noor.');
  });
});
