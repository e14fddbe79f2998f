/** The onboarding workflow end to end: real engine, real SQLite file, ManualClock for retry back-offs. */
import { ErrorCode, type JournalEntryInfo } from '@baton/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, waitForEnd, type TestEngine } from '../test-support.js';
import { createOnboardingServices, type OnboardingServicesOptions } from './services.js';
import { createOnboardingWorkflow, type OnboardingInput } from './workflow.js';

const ADA: OnboardingInput = {
  customerId: 'CUST-1815',
  fullName: 'Ada Lovelace',
  email: 'ada@example.com',
  dateOfBirth: '1990-12-10',
  country: 'GB',
  documentNumber: 'P1234567',
  requestedCreditLimit: 3_000,
};

let current: TestEngine | undefined;

afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function setup(options: OnboardingServicesOptions = {}) {
  // A few ms of latency per call, so two checks that run in parallel visibly overlap.
  const services = createOnboardingServices({ latencyMs: 5, ...options });
  const workflow = createOnboardingWorkflow(services);
  current = await startTestEngine([workflow]);
  const { client } = current;
  const start = async (input: OnboardingInput) => client.start(workflow, input);
  const stepNames = async (runId: string): Promise<string[]> => (await client.journal(runId)).filter((e) => e.kind === 'step').map((e) => e.name);
  return { ...current, services, workflow, start, stepNames };
}

describe('customer-onboarding', () => {
  it('checks identity and credit in parallel, provisions the account and sends the welcome email', async () => {
    const { client, services, start, stepNames } = await setup();
    const run = await start(ADA);

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toEqual({
      status: 'onboarded',
      customerId: 'CUST-1815',
      accountId: 'ACC-00001',
      creditLimit: 3_000,
      identityReference: 'IDV-00001',
      welcomeEmail: 'sent',
    });
    // Both checks started before either finished.
    expect(services.trace.slice(0, 2).sort()).toEqual(['credit:start', 'identity:start']);
    expect(services.trace).toHaveLength(4);
    expect(await stepNames(run.id)).toEqual(['verify-identity', 'check-credit', 'create-account', 'set-credit-limit', 'send-welcome-email']);
    expect(services.accounts.accounts).toMatchObject([{ accountId: 'ACC-00001', customerId: 'CUST-1815', creditLimit: 3_000 }]);
    expect(services.mailer.sent).toMatchObject([{ to: 'ada@example.com', subject: 'Welcome aboard' }]);
    expect((await client.get(run.id))?.progress).toMatchObject({ stage: 'onboarded' });
  });

  it('opens the account without credit when the credit check declines', async () => {
    const { services, start } = await setup({ credit: { scores: { 'CUST-1815': 540 } } });
    const run = await start(ADA);

    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ status: 'onboarded', creditLimit: 0, welcomeEmail: 'sent' });
    expect(services.accounts.accounts).toMatchObject([{ creditLimit: 0 }]);
  });

  it('ends with verification-failed, no account and no email, when identity verification fails', async () => {
    const { client, services, start, stepNames } = await setup({ identity: { rejectDocuments: { P1234567: 'the document is reported stolen' } } });
    const run = await start(ADA);

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'verification-failed', customerId: 'CUST-1815', reason: 'the document is reported stolen' });
    expect((await client.get(run.id))?.status).toBe('completed');
    expect(await stepNames(run.id)).toEqual(['verify-identity', 'check-credit']);
    expect(services.accounts.accounts).toEqual([]);
    expect(services.mailer.sent).toEqual([]);
  });

  it('reports a welcome email that cannot be sent without failing the onboarding', async () => {
    const { client, clock, services, start } = await setup({ failEmails: 'always' });
    const run = await start(ADA);

    const ended = await waitForEnd(client, run.id, { clock, advanceMs: 25 });

    expect(ended.status).toBe('completed');
    expect(ended.output).toMatchObject({ status: 'onboarded', welcomeEmail: 'failed' });
    expect(services.accounts.accounts).toHaveLength(1);
    expect(services.mailer.sent).toEqual([]);
    const email = (await client.journal(run.id)).find((e: JournalEntryInfo) => e.name === 'send-welcome-email');
    expect(email).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('refuses invalid input before a run is created', async () => {
    const { client, start } = await setup();

    await expect(start({ ...ADA, email: 'not-an-email' })).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
    expect((await client.list()).runs).toEqual([]);
  });
});
