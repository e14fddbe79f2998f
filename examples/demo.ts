/**
 * The demo `npm start` runs (`baton dev --workflows examples/index.ts --demo`): one invoice large
 * enough to need a person's approval, approved a few seconds later as 'dana'; one customer
 * onboarding; one support ticket asking for a refund large enough to need approval; and one article
 * that the editor sends back for a revision before approving it; and one question answered from the
 * knowledge base behind an MCP server (kb-server.mjs, a child process spoken to over stdio). Each
 * run's progress is printed as it moves. Beside them, the YAML definitions of examples/definitions run (definitions-demo.ts), and
 * a workflow is planned from a paragraph, shown and simulated (planner-demo.ts).
 */
import { aiConfig } from '@baton/ai';
import { isTerminalStatus, uuidv7, type Client, type Engine } from '@baton/core';
import { SCRIPTED_MODEL } from './ai-model.js';
import { contentPipeline, type ContentBrief, type ContentOutcome, type ContentProgress, type EditorDecision } from './content-pipeline/workflow.js';
import { definitionsDemo } from './definitions-demo.js';
import { plannerDemo } from './planner-demo.js';
import { customerOnboarding, type OnboardingInput, type OnboardingOutcome, type OnboardingProgress } from './customer-onboarding/workflow.js';
import { formatMoney, parseInvoice } from './invoice-approval/invoice.js';
import { DEFAULT_INVOICE_POLICY, invoiceApproval, type ApprovalDecision, type InvoiceOutcome, type InvoiceProgress } from './invoice-approval/workflow.js';
import { knowledgeAnswer, type KnowledgeAnswer } from './knowledge-base/workflow.js';
import { supportTriage, type AgentReply, type Ticket, type TriageOutcome, type TriageProgress } from './support-triage/workflow.js';

export interface DemoOptions {
  client: Client;
  /** The engine running the demo's runs (to follow their progress when `followProgress` is set). */
  engine?: Engine;
  /** Log each run's progress as it moves. Off by default: `baton dev` already prints every progress event. */
  followProgress?: boolean;
  log?: (line: string) => void;
  /** How long the pretend approvers, support agent and editor take to answer. Default 3 s. */
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

export const DEMO_TICKET: Ticket = {
  ticketId: 'TKT-5001',
  customerEmail: 'grace@example.com',
  subject: 'Refund for my espresso machine',
  body: 'Hello, the espresso machine from order ORD-7002 stopped pumping water after two weeks, and descaling did not help. I would like a refund, please. Thanks, Grace',
  orderId: 'ORD-7002',
};

export const DEMO_QUESTION = 'My espresso machine is faulty after two weeks: can I get a refund?';

export const DEMO_ARTICLE: ContentBrief = {
  topic: 'Durable execution for AI agents',
  audience: 'backend engineers',
  keywords: ['durable execution', 'AI agents', 'retries'],
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
  const ticketId = uuidv7(Date.now());
  const articleId = uuidv7(Date.now());
  const questionId = uuidv7(Date.now());
  const stopFollowing = followProgress(
    follow ? engine : undefined,
    client,
    new Map([
      [invoiceId, 'invoice   '],
      [onboardingId, 'onboarding'],
      [ticketId, 'ticket    '],
      [articleId, 'article   '],
      [questionId, 'question  '],
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
    log(`demo: the AI runs below call ${describeModel()}`);
    log(`demo: starting support-triage run ${ticketId} for ${DEMO_TICKET.ticketId} ("${DEMO_TICKET.subject}"): a model classifies it and picks its route`);
    const ticket = await client.start(supportTriage, DEMO_TICKET, { id: ticketId });
    log(`demo: starting content-pipeline run ${articleId} on "${DEMO_ARTICLE.topic}": research, outline, draft, then SEO check and image brief in parallel`);
    const article = await client.start(contentPipeline, DEMO_ARTICLE, { id: articleId });
    log(`demo: starting knowledge-answer run ${questionId}: it asks the knowledge base MCP server (kb-server.mjs over stdio), each tool call a journaled step`);
    const question = await client.start(knowledgeAnswer, { question: DEMO_QUESTION }, { id: questionId });
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, approvalDelayMs));
    const definitions = definitionsDemo({ client, ...(engine === undefined ? {} : { engine }), log, approvalDelayMs, timeoutMs });
    const planning = plannerDemo({ client, ...(engine === undefined ? {} : { engine }), log, timeoutMs }).then(
      () => {},
      (error: unknown) => log(failure('planning', 'run', error)),
    );

    const approveInvoice = async (): Promise<void> => {
      if ((await waitingForSignal(client, invoice.id, ['approval'], 0, timeoutMs)) === undefined) return;
      log(`demo: invoice run ${invoice.id} is waiting for an 'approval' signal (after 3 days without one it escalates to 'sam')`);
      await pause();
      log(`demo: approving invoice ${invoice.id} as 'dana' (a person would do this in the dashboard or with \`baton signal\`)`);
      const decision: ApprovalDecision = { approved: true, approver: 'dana', comment: 'Matches PO-2002; approved in the demo.' };
      await client.signal(invoice.id, 'approval', decision);
    };

    // The scripted model routes the ticket to a refund; a real model might hand it to a person instead.
    const answerTicket = async (): Promise<void> => {
      const signal = await waitingForSignal(client, ticket.id, ['refund-approval', 'agent-reply'], 0, timeoutMs);
      if (signal === undefined) return;
      await pause();
      if (signal === 'refund-approval') {
        log(`demo: approving the refund for ${DEMO_TICKET.ticketId} as 'dana' (signal 'refund-approval')`);
        await client.signal(ticket.id, 'refund-approval', { approved: true, by: 'dana', comment: 'Faulty within two weeks; refund approved in the demo.' });
      } else {
        log(`demo: answering ${DEMO_TICKET.ticketId} as 'maria' of the support team (signal 'agent-reply')`);
        const reply: AgentReply = {
          agent: 'maria',
          reply:
            'Hello Grace,\n\nsorry about your espresso machine. We have arranged a refund for order ORD-7002; you will receive it within 5 business days.\n\nMaria',
        };
        await client.signal(ticket.id, 'agent-reply', reply);
      }
    };

    const reviewArticle = async (): Promise<void> => {
      if ((await waitingForSignal(client, article.id, ['editor-approval'], 0, timeoutMs)) === undefined) return;
      await pause();
      log(`demo: editor 'morgan' sends the article back for a revision (signal 'editor-approval')`);
      const revise: EditorDecision = { approved: false, editor: 'morgan', comment: 'Open with a concrete failure story, and keep the intro under 100 words.' };
      await client.signal(article.id, 'editor-approval', revise);
      if ((await waitingForSignal(client, article.id, ['editor-approval'], 1, timeoutMs)) === undefined) return;
      await pause();
      log(`demo: editor 'morgan' approves the revised article`);
      const approve: EditorDecision = { approved: true, editor: 'morgan', comment: 'Good to go.' };
      await client.signal(article.id, 'editor-approval', approve);
    };

    await Promise.all([approveInvoice(), answerTicket(), reviewArticle(), definitions, planning]);
    const [invoiceResult, onboardingResult, ticketResult, articleResult, questionResult] = await Promise.allSettled([
      invoice.result({ timeoutMs }),
      onboarding.result({ timeoutMs }),
      ticket.result({ timeoutMs }),
      article.result({ timeoutMs }),
      question.result({ timeoutMs }),
    ]);
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
    log(
      ticketResult.status === 'fulfilled'
        ? `demo: ticket ${ticket.id} → ${describeTicket(ticketResult.value)}`
        : failure('ticket', ticket.id, ticketResult.reason),
    );
    log(
      articleResult.status === 'fulfilled'
        ? `demo: article ${article.id} → ${describeArticle(articleResult.value)}`
        : failure('article', article.id, articleResult.reason),
    );
    log(
      questionResult.status === 'fulfilled'
        ? `demo: question ${question.id} → ${describeAnswer(questionResult.value)}`
        : failure('question', question.id, questionResult.reason),
    );
    log('demo: done. The runs and their journals stay in the store; start more runs or send signals while this process runs.');
  } finally {
    await stopFollowing();
  }
}

/**
 * Polls until the run waits for one of `signals` after `consumed` signals have reached it (so a
 * second wait for the same signal is not mistaken for the first); returns that signal, or undefined
 * when the run has ended.
 */
async function waitingForSignal(client: Client, runId: string, signals: readonly string[], consumed: number, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.get(runId);
    if (run === undefined || isTerminalStatus(run.status)) return undefined;
    const signal = run.status === 'waiting' ? signals.find((name) => run.waitingFor?.signals.includes(name) === true) : undefined;
    if (signal !== undefined && (consumed === 0 || (await client.journal(runId)).filter((e) => e.kind === 'signal').length >= consumed)) return signal;
    if (Date.now() > deadline)
      throw new Error(
        `Run ${runId} did not wait for ${signals.map((s) => `'${s}'`).join(' or ')} within ${timeoutMs} ms (it is ${run.status}). Is an engine running?`,
      );
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
        const progress = (await client.get(event.runId))?.progress as InvoiceProgress | OnboardingProgress | TriageProgress | ContentProgress | undefined;
        if (progress?.stage === undefined) return;
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

function describeTicket(outcome: TriageOutcome): string {
  const { sentiment, urgency, topic } = outcome.classification;
  const refund = outcome.refund;
  const refunded =
    refund === undefined || refund.amount === undefined
      ? ''
      : refund.status === 'issued'
        ? `refund ${refund.refundId} of ${refund.amount.toFixed(2)} ${refund.currency} issued (approved by ${refund.decidedBy}); `
        : `refund ${refund.status} by ${refund.decidedBy}; `;
  const tools = outcome.toolCalls === undefined ? '' : `tools used: ${outcome.toolCalls.join(', ') || 'none'}; `;
  return `${outcome.ticketId} read as ${sentiment}, ${urgency}, ${topic} → ${outcome.route}: ${refunded}${tools}reply by ${outcome.repliedBy} sent to ${outcome.reply.to} as ${outcome.reply.messageId}`;
}

function describeAnswer(answer: KnowledgeAnswer): string {
  if (answer.article === undefined) return `no article matched "${answer.question}"`;
  return `answered from ${answer.article.id} "${answer.article.title}": ${answer.answer}`;
}

function describeArticle(outcome: ContentOutcome): string {
  const revisions = `${outcome.revisions} revision${outcome.revisions === 1 ? '' : 's'}`;
  if (outcome.status === 'rejected') return `"${outcome.title}" rejected by ${outcome.rejectedBy} after ${revisions}: ${outcome.reason}`;
  return `"${outcome.title}" published as ${outcome.postId} at ${outcome.url} after ${revisions} (approved by ${outcome.approvedBy}; SEO score ${outcome.seoScore})`;
}

/** Which model the AI runs call, said plainly. */
function describeModel(): string {
  const model = aiConfig().defaultModel;
  if (model === undefined) return 'no model: set BATON_AI_MODEL (for example openai:gpt-4o-mini with OPENAI_API_KEY)';
  if (model === SCRIPTED_MODEL) return `${model}, Baton's local scripted model server (BATON_AI_MODEL is unset): its answers are deterministic placeholders`;
  return `${model} (BATON_AI_MODEL)`;
}

function failure(label: string, runId: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `demo: ${label} ${runId} failed${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
}
