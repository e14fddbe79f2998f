/**
 * The outside systems of the onboarding example, simulated in-process: identity verification, the
 * credit bureau, the account system and the mailer. Each is deterministic, configurable, idempotent
 * by the key it is given, and records what was asked of it; the checks also write to a shared trace
 * so a test can see that they overlapped in time.
 */

/** How many calls fail before one succeeds, or 'always'. */
export type Failures = number | 'always';

export interface IdentityRequest {
  idempotencyKey: string;
  fullName: string;
  dateOfBirth: string;
  country: string;
  documentNumber: string;
}

export interface IdentityResult {
  verified: boolean;
  reference: string;
  reason?: string;
}

export interface IdentityOptions {
  /** Document numbers that fail verification, with the reason given. */
  rejectDocuments?: Readonly<Record<string, string>>;
  latencyMs?: number;
  trace?: string[];
}

export class IdentityService {
  /** Verifications performed: one per distinct idempotency key. */
  readonly checks: (IdentityRequest & IdentityResult)[] = [];
  readonly #reject: Readonly<Record<string, string>>;
  readonly #latencyMs: number;
  readonly #trace: string[];

  constructor(options: IdentityOptions = {}) {
    this.#reject = options.rejectDocuments ?? {};
    this.#latencyMs = options.latencyMs ?? 0;
    this.#trace = options.trace ?? [];
  }

  /** Verifies once per idempotency key: a repeated request returns the first result. */
  async verify(request: IdentityRequest): Promise<IdentityResult> {
    this.#trace.push('identity:start');
    await latency(this.#latencyMs);
    this.#trace.push('identity:end');
    let check = this.checks.find((c) => c.idempotencyKey === request.idempotencyKey);
    if (check === undefined) {
      const reference = `IDV-${String(this.checks.length + 1).padStart(5, '0')}`;
      const reason = this.#reject[request.documentNumber];
      check = { ...request, reference, verified: reason === undefined, ...(reason === undefined ? {} : { reason }) };
      this.checks.push(check);
    }
    return { verified: check.verified, reference: check.reference, ...(check.reason === undefined ? {} : { reason: check.reason }) };
  }
}

export interface CreditRequest {
  idempotencyKey: string;
  customerId: string;
  country: string;
  requestedLimit: number;
}

export interface CreditResult {
  score: number;
  decision: 'approved' | 'declined';
  approvedLimit: number;
}

export interface CreditOptions {
  /** Scores by customer id; others get `defaultScore`. */
  scores?: Readonly<Record<string, number>>;
  defaultScore?: number;
  /** The lowest score that gets credit. Default 600. */
  minimumScore?: number;
  /** The largest limit granted. Default 5,000. */
  maximumLimit?: number;
  latencyMs?: number;
  trace?: string[];
}

export class CreditBureau {
  readonly checks: CreditRequest[] = [];
  readonly #options: CreditOptions;
  readonly #trace: string[];

  constructor(options: CreditOptions = {}) {
    this.#options = options;
    this.#trace = options.trace ?? [];
  }

  async check(request: CreditRequest): Promise<CreditResult> {
    this.#trace.push('credit:start');
    await latency(this.#options.latencyMs ?? 0);
    this.checks.push({ ...request });
    this.#trace.push('credit:end');
    const score = this.#options.scores?.[request.customerId] ?? this.#options.defaultScore ?? 720;
    if (score < (this.#options.minimumScore ?? 600)) return { score, decision: 'declined', approvedLimit: 0 };
    return { score, decision: 'approved', approvedLimit: Math.min(request.requestedLimit, this.#options.maximumLimit ?? 5_000) };
  }
}

export interface Account {
  accountId: string;
  customerId: string;
  fullName: string;
  email: string;
  creditLimit: number;
  idempotencyKey: string;
}

export class AccountService {
  readonly accounts: Account[] = [];
  readonly #latencyMs: number;

  constructor(options: { latencyMs?: number } = {}) {
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** Opens an account; a repeated key returns the account opened first. */
  async createAccount(request: { idempotencyKey: string; customerId: string; fullName: string; email: string }): Promise<{ accountId: string }> {
    await latency(this.#latencyMs);
    let account = this.accounts.find((a) => a.idempotencyKey === request.idempotencyKey);
    if (account === undefined) {
      account = { ...request, accountId: `ACC-${String(this.accounts.length + 1).padStart(5, '0')}`, creditLimit: 0 };
      this.accounts.push(account);
    }
    return { accountId: account.accountId };
  }

  /** Sets the limit (idempotent by nature: setting it twice leaves the same limit). */
  async setCreditLimit(request: { accountId: string; limit: number }): Promise<{ accountId: string; creditLimit: number }> {
    await latency(this.#latencyMs);
    const account = this.accounts.find((a) => a.accountId === request.accountId);
    if (account === undefined) throw new Error(`Account ${request.accountId} does not exist.`);
    account.creditLimit = request.limit;
    return { accountId: account.accountId, creditLimit: account.creditLimit };
  }
}

export interface Email {
  idempotencyKey: string;
  to: string;
  subject: string;
  body: string;
}

/** The mailer could not send; retrying later can succeed. */
export class MailerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailerUnavailableError';
  }
}

export class Mailer {
  /** Emails actually sent: one per distinct idempotency key. */
  readonly sent: (Email & { messageId: string })[] = [];
  #failSends: Failures;
  readonly #latencyMs: number;

  constructor(options: { failSends?: Failures; latencyMs?: number } = {}) {
    this.#failSends = options.failSends ?? 0;
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** Changes how many of the next sends fail. */
  failSends(failures: Failures): void {
    this.#failSends = failures;
  }

  async send(email: Email): Promise<{ messageId: string }> {
    await latency(this.#latencyMs);
    if (this.#failSends === 'always' || this.#failSends > 0) {
      if (this.#failSends !== 'always') this.#failSends--;
      throw new MailerUnavailableError(`The mail server refused the message to ${email.to} (simulated outage).`);
    }
    let message = this.sent.find((m) => m.idempotencyKey === email.idempotencyKey);
    if (message === undefined) {
      message = { ...email, messageId: `MSG-${String(this.sent.length + 1).padStart(5, '0')}` };
      this.sent.push(message);
    }
    return { messageId: message.messageId };
  }
}

export interface OnboardingServices {
  identity: IdentityService;
  credit: CreditBureau;
  accounts: AccountService;
  mailer: Mailer;
  /** 'identity:start', 'credit:start', … in the order the checks ran. */
  trace: string[];
}

export interface OnboardingServicesOptions {
  identity?: Omit<IdentityOptions, 'trace' | 'latencyMs'>;
  credit?: Omit<CreditOptions, 'trace' | 'latencyMs'>;
  failEmails?: Failures;
  /** Simulated latency of each outside call, in ms (the checks take twice as long). Default 0. */
  latencyMs?: number;
}

export function createOnboardingServices(options: OnboardingServicesOptions = {}): OnboardingServices {
  const trace: string[] = [];
  const latencyMs = options.latencyMs ?? 0;
  return {
    identity: new IdentityService({ ...options.identity, latencyMs: latencyMs * 2, trace }),
    credit: new CreditBureau({ ...options.credit, latencyMs: latencyMs * 2, trace }),
    accounts: new AccountService({ latencyMs }),
    mailer: new Mailer({ failSends: options.failEmails ?? 0, latencyMs }),
    trace,
  };
}

function latency(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
