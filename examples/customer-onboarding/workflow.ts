/**
 * Customer onboarding: identity verification and the credit check run in parallel, then the account
 * is provisioned, and only a verified customer gets the welcome email. A customer who fails
 * verification ends the run with a clear 'verification-failed' outcome: no account, no email.
 */
import { ErrorCode, defineWorkflow, hasErrorCode } from '@baton/core';
import type { Workflow } from '@baton/core';
import { z } from 'zod';
import { stageProgress, type StageProgress } from '../stage-progress.js';
import { createOnboardingServices, type OnboardingServices } from './services.js';

export const OnboardingInput = z.object({
  customerId: z.string().min(1).max(100),
  fullName: z.string().min(1).max(200),
  email: z.email(),
  /** YYYY-MM-DD */
  dateOfBirth: z.iso.date(),
  /** ISO 3166 two-letter code. */
  country: z.string().length(2),
  documentNumber: z.string().min(4).max(40),
  /** The credit limit asked for; the credit check may grant less. Default 2,000. */
  requestedCreditLimit: z.number().int().nonnegative().optional(),
});
export type OnboardingInput = z.infer<typeof OnboardingInput>;

export const OnboardingOutcome = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('onboarded'),
    customerId: z.string(),
    accountId: z.string(),
    creditLimit: z.number(),
    identityReference: z.string(),
    welcomeEmail: z.enum(['sent', 'failed']),
  }),
  z.object({
    status: z.literal('verification-failed'),
    customerId: z.string(),
    identityReference: z.string(),
    reason: z.string(),
  }),
]);
export type OnboardingOutcome = z.infer<typeof OnboardingOutcome>;

export const OnboardingStage = {
  Checking: 'checking',
  Provisioning: 'provisioning',
  Welcoming: 'welcoming',
  Onboarded: 'onboarded',
  VerificationFailed: 'verification-failed',
} as const;
export type OnboardingStage = (typeof OnboardingStage)[keyof typeof OnboardingStage];

/** What `ctx.setProgress` shows while a run is in flight. */
export type OnboardingProgress = StageProgress<OnboardingStage>;

const DEFAULT_CREDIT_LIMIT = 2_000;

/** The onboarding workflow bound to the systems it talks to (tests pass their own). */
export function createOnboardingWorkflow(services: OnboardingServices): Workflow<OnboardingInput, OnboardingOutcome> {
  return defineWorkflow(
    {
      name: 'customer-onboarding',
      input: OnboardingInput,
      output: OnboardingOutcome,
      description: 'Verify identity and check credit in parallel, provision the account, and welcome the customer once verified.',
    },
    async (ctx, customer) => {
      const progress = stageProgress<OnboardingStage>(ctx);
      const requestedLimit = customer.requestedCreditLimit ?? DEFAULT_CREDIT_LIMIT;

      progress(OnboardingStage.Checking, `verifying ${customer.fullName} and checking credit, in parallel`);
      // Both steps take their journal positions now, in this order, so replay is deterministic
      // whichever of them finishes first.
      const [identity, credit] = await Promise.all([
        ctx.step('verify-identity', (info) =>
          services.identity.verify({
            idempotencyKey: info.idempotencyKey,
            fullName: customer.fullName,
            dateOfBirth: customer.dateOfBirth,
            country: customer.country,
            documentNumber: customer.documentNumber,
          }),
        ),
        ctx.step('check-credit', (info) =>
          services.credit.check({ idempotencyKey: info.idempotencyKey, customerId: customer.customerId, country: customer.country, requestedLimit }),
        ),
      ]);

      if (!identity.verified) {
        const reason = identity.reason ?? 'identity could not be verified';
        progress(OnboardingStage.VerificationFailed, `${customer.fullName} was not verified: ${reason}; no account was opened`);
        return { status: 'verification-failed', customerId: customer.customerId, identityReference: identity.reference, reason };
      }

      progress(OnboardingStage.Provisioning, `opening an account for ${customer.fullName} (credit ${credit.decision}, score ${credit.score})`);
      const account = await ctx.step('create-account', (info) =>
        services.accounts.createAccount({
          idempotencyKey: info.idempotencyKey,
          customerId: customer.customerId,
          fullName: customer.fullName,
          email: customer.email,
        }),
      );
      const limit = await ctx.step('set-credit-limit', () => services.accounts.setCreditLimit({ accountId: account.accountId, limit: credit.approvedLimit }));

      progress(OnboardingStage.Welcoming, `sending the welcome email to ${customer.email}`);
      let welcomeEmail: 'sent' | 'failed' = 'sent';
      try {
        await ctx.step('send-welcome-email', (info) =>
          services.mailer.send({
            idempotencyKey: info.idempotencyKey,
            to: customer.email,
            subject: 'Welcome aboard',
            body: `Hello ${customer.fullName}, your account ${account.accountId} is ready${limit.creditLimit > 0 ? ` with a credit limit of ${limit.creditLimit.toLocaleString('en-US')}` : ''}.`,
          }),
        );
      } catch (error) {
        // The account is open either way: a welcome email that cannot be sent is reported, not fatal.
        if (!hasErrorCode(error, ErrorCode.StepFailed)) throw error;
        welcomeEmail = 'failed';
      }

      progress(
        OnboardingStage.Onboarded,
        `${customer.fullName} is onboarded: account ${account.accountId}, credit limit ${limit.creditLimit.toLocaleString('en-US')}`,
      );
      return {
        status: 'onboarded',
        customerId: customer.customerId,
        accountId: account.accountId,
        creditLimit: limit.creditLimit,
        identityReference: identity.reference,
        welcomeEmail,
      };
    },
  );
}

/** The systems the demo's onboarding workflow talks to. */
export const onboardingServices = createOnboardingServices({
  latencyMs: 300,
  identity: { rejectDocuments: { X0000000: 'the document is reported stolen' } },
});

/** The instance `baton dev --workflows examples/index.ts` registers. */
export const customerOnboarding = createOnboardingWorkflow(onboardingServices);
