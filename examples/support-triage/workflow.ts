/**
 * Support triage: a model classifies the ticket, then the ticket takes one of four routes — a person
 * for angry or urgent customers (escalated when nobody answers), a tool-using agent for technical
 * questions, the refund path (a person approves large refunds before the money moves), or a reply
 * drafted by the model — and the reply is sent once, whatever crashes or retries happen on the way.
 */
// Importing @baton/ai adds ctx.llm and ctx.agent to every workflow's ctx.
import { ApprovalDecision, agentTool } from '@baton/ai';
import { ErrorCode, TIMED_OUT, TerminalError, defineWorkflow, hasErrorCode, toMillis } from '@baton/core';
import type { Duration, TimedOut, Workflow, WorkflowContext } from '@baton/core';
import { z } from 'zod';
import { stageProgress, type StageProgress } from '../stage-progress.js';
import { createSupportServices, type SupportServices } from './services.js';

export const Ticket = z.object({
  ticketId: z.string().min(1).max(100),
  customerEmail: z.email(),
  subject: z.string().min(1).max(500),
  body: z.string().min(1).max(20_000),
  /** The order the ticket is about, when the customer gave one. */
  orderId: z.string().min(1).max(100).optional(),
});
export type Ticket = z.infer<typeof Ticket>;

/**
 * What the model reads from a ticket. Each enum lists the calm reading first: an answer that names
 * none of the words (the local scripted model answers so) lands on the ordinary path, not on a person.
 */
export const TicketClassification = z.object({
  sentiment: z.enum(['neutral', 'happy', 'angry']).describe("The customer's mood"),
  urgency: z.enum(['normal', 'low', 'urgent']).describe('urgent: the customer cannot work, pay or use what they bought right now'),
  topic: z.enum(['general', 'technical', 'billing', 'refund']).describe('refund: the customer wants money back'),
  summary: z.string().min(1).max(400).describe('The request in one sentence'),
});
export type TicketClassification = z.infer<typeof TicketClassification>;

/** The payload of the 'agent-reply' signal: the reply a person wrote, and who they are. */
export const AgentReply = z.object({
  reply: z.string().min(1).max(20_000),
  agent: z.string().min(1).max(200),
});
export type AgentReply = z.infer<typeof AgentReply>;

export const TriageRoute = { Human: 'human', AiAgent: 'ai-agent', Refund: 'refund', AutoReply: 'auto-reply' } as const;
export type TriageRoute = (typeof TriageRoute)[keyof typeof TriageRoute];

const RefundOutcome = z.object({
  status: z.enum(['issued', 'declined', 'order-not-found']),
  orderId: z.string().optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  refundId: z.string().optional(),
  /** Who approved or declined it: a person, or 'policy' for a refund within the automatic limit. */
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
});

export const TriageOutcome = z.object({
  ticketId: z.string(),
  classification: TicketClassification,
  route: z.enum([TriageRoute.Human, TriageRoute.AiAgent, TriageRoute.Refund, TriageRoute.AutoReply]),
  /** Who wrote the reply: a person's name, 'ai', or 'holding-reply' when nobody answered in time. */
  repliedBy: z.string(),
  escalated: z.boolean(),
  reply: z.object({ to: z.string(), subject: z.string(), body: z.string(), messageId: z.string() }),
  refund: RefundOutcome.optional(),
  /** The tools the agent called, in order. */
  toolCalls: z.array(z.string()).optional(),
});
export type TriageOutcome = z.infer<typeof TriageOutcome>;

export interface TriagePolicy {
  /** Refunds above this amount wait for a person's approval. */
  refundApprovalAbove: number;
  /** Who approves those refunds (signal 'refund-approval'). */
  refundApprover: string;
  /** The team that answers angry or urgent tickets (signal 'agent-reply'), and its lead. */
  supportTeam: string;
  escalateTo: string;
  replyTimeout: Duration;
  escalationTimeout: Duration;
}

export const DEFAULT_TRIAGE_POLICY: TriagePolicy = {
  refundApprovalAbove: 100,
  refundApprover: 'dana',
  supportTeam: 'support',
  escalateTo: 'support-lead',
  replyTimeout: '4 hours',
  escalationTimeout: '1 day',
};

const CLASSIFY_INSTRUCTIONS =
  'You triage customer support tickets for an online shop that sells coffee machines and smart-home devices. ' +
  "Read the ticket and report the customer's sentiment, how urgent it is, its topic, and a one-sentence summary.";

const REPLY_STYLE = 'Write the reply email body only (no subject line), in plain text, friendly and brief, signed "The Support Team".';

interface DraftedReply {
  body: string;
  repliedBy: string;
  escalated?: boolean;
  refund?: z.infer<typeof RefundOutcome>;
  toolCalls?: string[];
}

export const TriageStage = {
  Classifying: 'classifying',
  AwaitingAgent: 'awaiting-agent',
  Escalated: 'escalated',
  Investigating: 'investigating',
  Refunding: 'refunding',
  AwaitingRefundApproval: 'awaiting-refund-approval',
  Drafting: 'drafting',
  Sending: 'sending',
  Replied: 'replied',
} as const;
export type TriageStage = (typeof TriageStage)[keyof typeof TriageStage];

/** What `ctx.setProgress` shows while a run is in flight. */
export type TriageProgress = StageProgress<TriageStage>;

type Progress = (stage: TriageStage, detail: string) => void;

/** The triage workflow bound to the systems it talks to (tests pass their own). */
export function createSupportTriageWorkflow(services: SupportServices, policy: Partial<TriagePolicy> = {}): Workflow<Ticket, TriageOutcome> {
  const rules: TriagePolicy = { ...DEFAULT_TRIAGE_POLICY, ...policy };

  return defineWorkflow(
    {
      name: 'support-triage',
      input: Ticket,
      output: TriageOutcome,
      description: 'Classify a support ticket with a model, route it (person, tool-using agent, refund with approval, or auto-reply) and send the reply once.',
      signals: { 'agent-reply': AgentReply, 'refund-approval': ApprovalDecision },
    },
    async (ctx, ticket) => {
      const progress: Progress = stageProgress<TriageStage>(ctx);

      progress(TriageStage.Classifying, `reading ${ticket.ticketId}: "${ticket.subject}"`);
      const classified = await ctx.llm({
        name: 'classify',
        system: CLASSIFY_INSTRUCTIONS,
        prompt: ticketText(ticket),
        schema: TicketClassification,
        temperature: 0,
      });
      const classification = structured(classified, ticket.ticketId, 'classify');

      const route = routeFor(classification);
      const drafted =
        route === TriageRoute.Human
          ? await answerByPerson(ctx, services, rules, ticket, classification, progress)
          : route === TriageRoute.AiAgent
            ? await answerByAgent(ctx, services, ticket, progress)
            : route === TriageRoute.Refund
              ? await handleRefund(ctx, services, rules, ticket, classification, progress)
              : await autoReply(ctx, ticket, classification, progress);

      const subject = `Re: ${ticket.subject} [${ticket.ticketId}]`;
      progress(TriageStage.Sending, `sending the reply to ${ticket.customerEmail}`);
      const sent = await ctx.step('send-reply', (info) =>
        services.mailer.send({ idempotencyKey: info.idempotencyKey, to: ticket.customerEmail, subject, body: drafted.body, ticketId: ticket.ticketId }),
      );

      progress(TriageStage.Replied, `${ticket.ticketId} answered by ${drafted.repliedBy} (${route}); message ${sent.messageId}`);
      return {
        ticketId: ticket.ticketId,
        classification,
        route,
        repliedBy: drafted.repliedBy,
        escalated: drafted.escalated ?? false,
        reply: { to: ticket.customerEmail, subject, body: drafted.body, messageId: sent.messageId },
        ...(drafted.refund === undefined ? {} : { refund: drafted.refund }),
        ...(drafted.toolCalls === undefined ? {} : { toolCalls: drafted.toolCalls }),
      };
    },
  );
}

/** Angry or urgent customers get a person; otherwise the topic decides. */
export function routeFor(classification: TicketClassification): TriageRoute {
  if (classification.sentiment === 'angry' || classification.urgency === 'urgent') return TriageRoute.Human;
  if (classification.topic === 'technical') return TriageRoute.AiAgent;
  if (classification.topic === 'refund') return TriageRoute.Refund;
  return TriageRoute.AutoReply;
}

/**
 * A person answers, with the model's suggestion in front of them. Nobody within `replyTimeout`: the
 * team lead is asked too; nobody within `escalationTimeout` either: the customer gets a holding reply.
 */
async function answerByPerson(
  ctx: WorkflowContext,
  services: SupportServices,
  rules: TriagePolicy,
  ticket: Ticket,
  classification: TicketClassification,
  progress: Progress,
): Promise<DraftedReply> {
  const suggestion = await ctx.llm({
    name: 'suggest-reply',
    system: `You help a support agent answer a customer (${classification.sentiment}, ${classification.urgency}). Suggest a reply that acknowledges the problem and says what happens next. ${REPLY_STYLE}`,
    prompt: ticketText(ticket),
  });
  const why = `${classification.sentiment}, ${classification.urgency}: ${classification.summary}`;
  await ctx.step('assign-to-team', (info) =>
    services.helpdesk.assign({
      idempotencyKey: info.idempotencyKey,
      ticketId: ticket.ticketId,
      to: rules.supportTeam,
      request: `Reply to ${ticket.ticketId} (${why})`,
      suggestion: suggestion.text,
      escalation: false,
    }),
  );
  progress(TriageStage.AwaitingAgent, `waiting up to ${String(rules.replyTimeout)} for ${rules.supportTeam} to reply to ${ticket.ticketId} (${why})`);
  let answer = await waitForValid(ctx, 'agent-reply', AgentReply, rules.replyTimeout);
  let escalated = false;

  if (answer === TIMED_OUT) {
    escalated = true;
    await ctx.step('escalate', (info) =>
      services.helpdesk.assign({
        idempotencyKey: info.idempotencyKey,
        ticketId: ticket.ticketId,
        to: rules.escalateTo,
        request: `Nobody replied to ${ticket.ticketId} within ${String(rules.replyTimeout)} (${why})`,
        suggestion: suggestion.text,
        escalation: true,
      }),
    );
    progress(
      TriageStage.Escalated,
      `${rules.supportTeam} did not reply within ${String(rules.replyTimeout)}; waiting up to ${String(rules.escalationTimeout)} for ${rules.escalateTo} or the team`,
    );
    answer = await waitForValid(ctx, 'agent-reply', AgentReply, rules.escalationTimeout);
  }

  if (answer === TIMED_OUT) {
    return {
      body: `Hello,\n\nthank you for your message about "${ticket.subject}". We are sorry it is taking us longer than usual: your ticket ${ticket.ticketId} is with our team lead, who will get back to you personally.\n\nThe Support Team`,
      repliedBy: 'holding-reply',
      escalated,
    };
  }
  return { body: answer.reply, repliedBy: answer.agent, escalated };
}

/** A tool-using agent investigates: every model turn and every tool call is a journaled step. */
async function answerByAgent(ctx: WorkflowContext, services: SupportServices, ticket: Ticket, progress: Progress): Promise<DraftedReply> {
  progress(
    TriageStage.Investigating,
    `an agent is searching the knowledge base${ticket.orderId === undefined ? '' : ` and order ${ticket.orderId}`} for ${ticket.ticketId}`,
  );
  const result = await ctx.agent({
    name: 'support',
    instructions:
      'You are a support engineer for an online shop selling coffee machines and smart-home devices. ' +
      'Use the tools to find the relevant help articles and the order, then answer the customer with concrete steps. ' +
      `Do not promise refunds or replacements. ${REPLY_STYLE}`,
    prompt: ticketText(ticket),
    tools: {
      searchKnowledgeBase: agentTool({
        description: 'Search the help articles; returns up to 3 articles (id, title, excerpt), best match first.',
        input: z.object({ query: z.string().min(1).max(500).describe('Words describing the problem') }),
        execute: ({ query }) => services.knowledgeBase.search(query),
      }),
      lookupOrder: agentTool({
        description: "Look up one of this customer's orders by its id (e.g. ORD-7002): items, total, status and date.",
        input: z.object({ orderId: z.string().min(1).max(100) }),
        execute: ({ orderId }) => services.orders.lookup(orderId, ticket.customerEmail) ?? { error: `The customer has no order ${orderId}.` },
      }),
    },
    maxTurns: 6,
  });
  return { body: result.text, repliedBy: 'ai', toolCalls: result.toolCalls.map((call) => call.name) };
}

/**
 * Refunds the order's total: at once up to the limit, after a person's approval above it. The refund
 * step passes its idempotency key, so a retried or replayed step never refunds twice.
 */
async function handleRefund(
  ctx: WorkflowContext,
  services: SupportServices,
  rules: TriagePolicy,
  ticket: Ticket,
  classification: TicketClassification,
  progress: Progress,
): Promise<DraftedReply> {
  const orderId = ticket.orderId;
  progress(TriageStage.Refunding, `looking up order ${orderId ?? '(none given)'} for ${ticket.ticketId}`);
  const order = orderId === undefined ? null : await ctx.step('lookup-order', () => services.orders.lookup(orderId, ticket.customerEmail) ?? null);
  if (order === null) {
    const draft = await draftReply(
      ctx,
      'draft-order-question',
      ticket,
      `The customer asks for a refund, but ${orderId === undefined ? 'gave no order number' : `we found no order ${orderId} under their email address`}. Ask them for the order number shown in their confirmation email.`,
      progress,
    );
    return { body: draft, repliedBy: 'ai', refund: { status: 'order-not-found', ...(orderId === undefined ? {} : { orderId }) } };
  }

  const amount = order.total;
  const money = `${amount.toFixed(2)} ${order.currency}`;
  let decision: ApprovalDecision & { decidedBy: string };
  if (amount <= rules.refundApprovalAbove) {
    decision = { approved: true, decidedBy: 'policy', comment: `within the automatic limit of ${rules.refundApprovalAbove.toFixed(2)} ${order.currency}` };
  } else {
    await ctx.step('request-refund-approval', (info) =>
      services.helpdesk.assign({
        idempotencyKey: info.idempotencyKey,
        ticketId: ticket.ticketId,
        to: rules.refundApprover,
        request: `Approve a refund of ${money} for order ${order.orderId} (${classification.summary})`,
        escalation: false,
      }),
    );
    progress(
      TriageStage.AwaitingRefundApproval,
      `waiting for ${rules.refundApprover} to approve refunding ${money} for order ${order.orderId} (signal 'refund-approval')`,
    );
    const answer = await ctx.waitForSignal('refund-approval', { schema: ApprovalDecision });
    decision = { ...answer, decidedBy: answer.by ?? rules.refundApprover };
  }

  const refundFields = {
    orderId: order.orderId,
    amount,
    currency: order.currency,
    decidedBy: decision.decidedBy,
    ...(decision.comment === undefined ? {} : { comment: decision.comment }),
  };
  if (!decision.approved) {
    const draft = await draftReply(
      ctx,
      'draft-refund-declined',
      ticket,
      `We cannot refund order ${order.orderId} (${money}) as asked. The reason, from our team: ${decision.comment ?? 'not given'}. Explain kindly and offer to help otherwise.`,
      progress,
    );
    return { body: draft, repliedBy: 'ai', refund: { status: 'declined', ...refundFields } };
  }

  progress(TriageStage.Refunding, `refunding ${money} for order ${order.orderId} (approved by ${decision.decidedBy})`);
  const refund = await ctx.step('issue-refund', (info) =>
    services.orders.refund({ idempotencyKey: info.idempotencyKey, orderId: order.orderId, amount, currency: order.currency, reason: classification.summary }),
  );
  const draft = await draftReply(
    ctx,
    'draft-refund-issued',
    ticket,
    `We refunded ${money} for order ${order.orderId} (refund ${refund.refundId}); it reaches the customer's account within 5 business days. Confirm this.`,
    progress,
  );
  return { body: draft, repliedBy: 'ai', refund: { status: 'issued', ...refundFields, refundId: refund.refundId } };
}

/** Billing and general questions: the model drafts the reply on its own. */
async function autoReply(ctx: WorkflowContext, ticket: Ticket, classification: TicketClassification, progress: Progress): Promise<DraftedReply> {
  const draft = await draftReply(
    ctx,
    'auto-reply',
    ticket,
    `Answer this ${classification.topic} question. If it needs a person (an account change, a billing correction), say that the team will follow up.`,
    progress,
  );
  return { body: draft, repliedBy: 'ai' };
}

async function draftReply(ctx: WorkflowContext, name: string, ticket: Ticket, facts: string, progress: Progress): Promise<string> {
  progress(TriageStage.Drafting, `drafting the reply to ${ticket.ticketId}`);
  const result = await ctx.llm({ name, system: `You answer customer support tickets. ${facts} ${REPLY_STYLE}`, prompt: ticketText(ticket) });
  return result.text;
}

/** The ticket as the model reads it. */
function ticketText(ticket: Ticket): string {
  return [
    `From: ${ticket.customerEmail}`,
    ...(ticket.orderId === undefined ? [] : [`Order: ${ticket.orderId}`]),
    `Subject: ${ticket.subject}`,
    '',
    ticket.body,
  ].join('\n');
}

function structured<T>(result: { object?: T; model: string }, ticketId: string, step: string): T {
  if (result.object === undefined) {
    throw new TerminalError(
      `Step 'llm:${step}' of ticket ${ticketId} returned no structured answer from ${result.model}. Check the model supports JSON answers.`,
    );
  }
  return result.object;
}

/**
 * Waits for a valid signal until `timeout` has passed. A malformed one (a typo in `baton signal
 * --data`) is refused when sent, as the workflow declares the signal's schema; one that reaches the
 * run anyway (stored by a process that checks nothing) is journaled and ignored: the run keeps
 * waiting for the rest of the time.
 */
async function waitForValid<T>(ctx: WorkflowContext, name: string, schema: z.ZodType<T>, timeout: Duration): Promise<T | TimedOut> {
  const deadline = ctx.now().getTime() + toMillis(timeout);
  let remaining: Duration = timeout;
  for (;;) {
    try {
      return await ctx.waitForSignal(name, { schema, timeout: remaining });
    } catch (error) {
      if (!hasErrorCode(error, ErrorCode.InvalidSignal)) throw error;
    }
    remaining = Math.max(0, deadline - ctx.now().getTime());
  }
}

/** The systems the demo's triage workflow talks to. */
export const supportServices = createSupportServices();

/** The instance `baton dev --workflows examples/index.ts` registers. */
export const supportTriage = createSupportTriageWorkflow(supportServices);
