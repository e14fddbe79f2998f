/**
 * The triage workflow end to end: real engine, real SQLite file, ManualClock for the reply timeouts,
 * and a scripted model server on loopback that answers each model call as the test says.
 */
import type { JournalEntryInfo } from '@baton/core';
import type { ScriptedModelRequest, ScriptedModelServer, ScriptedReply } from '@baton/ai/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE, startTestEngine, startTestModel, waitForRun, waitForSignalWait, type TestEngine } from '../test-support.js';
import { createSupportServices, type SupportServices } from './services.js';
import { createSupportTriageWorkflow, routeFor, type Ticket, type TicketClassification, type TriageOutcome, type TriageProgress } from './workflow.js';

const HOUR = 60 * MINUTE;

const QUESTION: Ticket = {
  ticketId: 'TKT-1',
  customerEmail: 'linus@example.com',
  subject: 'Do you ship to Norway?',
  body: 'Hi, can I order the thermostat to Oslo?',
};

const THERMOSTAT_OFFLINE: Ticket = {
  ticketId: 'TKT-2',
  customerEmail: 'linus@example.com',
  subject: 'Thermostat offline',
  body: 'Since I changed my router the thermostat from order ORD-7003 says offline.',
  orderId: 'ORD-7003',
};

const refundTicket = (orderId: string, customerEmail = 'grace@example.com'): Ticket => ({
  ticketId: 'TKT-3',
  customerEmail,
  subject: 'Refund please',
  body: `I would like my money back for order ${orderId}.`,
  orderId,
});

const classified = (fields: Partial<TicketClassification>): ScriptedReply => ({
  text: JSON.stringify({ sentiment: 'neutral', urgency: 'normal', topic: 'general', summary: 'The customer has a question.', ...fields }),
});

const systemOf = (call: ScriptedModelRequest | undefined): string =>
  (call?.messages ?? [])
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
/** The workflow's steps and model calls, in order (@baton/ai's own bookkeeping steps, `ai:…`, aside). */
const stepNames = (journal: JournalEntryInfo[]): string[] => journal.filter((e) => e.kind === 'step' && !e.name.startsWith('ai:')).map((e) => e.name);

let model: ScriptedModelServer;
let current: TestEngine | undefined;

beforeAll(async () => {
  model = await startTestModel();
});

afterAll(() => model.close());

afterEach(async () => {
  await current?.stop();
  current = undefined;
  model.reset();
});

async function setup(...replies: ScriptedReply[]) {
  model.enqueue(...replies);
  const services: SupportServices = createSupportServices();
  const workflow = createSupportTriageWorkflow(services);
  current = await startTestEngine([workflow]);
  const { client } = current;
  const start = (ticket: Ticket) => client.start(workflow, ticket);
  const journal = (runId: string): Promise<JournalEntryInfo[]> => engine().client.journal(runId);
  return { ...current, services, workflow, start, journal };
}

function engine(): TestEngine {
  if (current === undefined) throw new Error('No engine is running.');
  return current;
}

describe('support-triage', () => {
  it('answers a general question with a reply the model drafts', async () => {
    const { services, start, journal } = await setup(classified({ topic: 'general', summary: 'Asks about shipping to Norway.' }), {
      text: 'Hello Linus, yes: we ship to Norway within 5 days.\n\nThe Support Team',
    });
    const run = await start(QUESTION);

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject<Partial<TriageOutcome>>({
      ticketId: 'TKT-1',
      route: 'auto-reply',
      repliedBy: 'ai',
      escalated: false,
      classification: { sentiment: 'neutral', urgency: 'normal', topic: 'general', summary: 'Asks about shipping to Norway.' },
      reply: {
        to: 'linus@example.com',
        subject: 'Re: Do you ship to Norway? [TKT-1]',
        body: 'Hello Linus, yes: we ship to Norway within 5 days.\n\nThe Support Team',
        messageId: '<tkt-1.1@support.example.com>',
      },
    });
    expect(services.mailer.sent).toHaveLength(1);
    expect(stepNames(await journal(run.id))).toEqual(['baton:policy', 'llm:classify', 'llm:auto-reply', 'send-reply']);

    const [classify, draft] = model.modelCalls;
    expect(model.modelCalls).toHaveLength(2);
    expect(classify?.model).toBe('test');
    expect(systemOf(classify)).toContain('matches this JSON Schema');
    expect(classify?.messages.at(-1)?.content).toBe('From: linus@example.com\nSubject: Do you ship to Norway?\n\nHi, can I order the thermostat to Oslo?');
    expect(systemOf(draft)).toContain('Answer this general question.');
  });

  it("hands an angry customer to a person, with the model's suggestion, and sends their reply", async () => {
    const { client, services, start } = await setup(classified({ sentiment: 'angry', topic: 'billing', summary: 'Charged twice.' }), {
      text: 'Suggested: We are sorry, we will refund the second charge.',
    });
    const run = await start({ ...QUESTION, subject: 'Charged twice!!', body: 'You charged my card twice. Fix it now.' });

    const waiting = await waitForSignalWait(client, run.id, 'agent-reply');
    expect(waiting.progress).toMatchObject<Partial<TriageProgress>>({ stage: 'awaiting-agent' });
    expect(services.helpdesk.assignments).toMatchObject([
      { to: 'support', ticketId: 'TKT-1', suggestion: 'Suggested: We are sorry, we will refund the second charge.', escalation: false },
    ]);
    expect(services.mailer.sent).toEqual([]);

    await client.signal(run.id, 'agent-reply', { agent: 'maria', reply: 'Hello Linus, the second charge is refunded. Maria' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({
      route: 'human',
      repliedBy: 'maria',
      escalated: false,
      reply: { body: 'Hello Linus, the second charge is refunded. Maria' },
    });
    expect(services.mailer.sent).toHaveLength(1);
    expect(model.modelCalls).toHaveLength(2);
  });

  it('escalates an urgent ticket nobody answers in 4 hours to the team lead, who replies', async () => {
    const { client, clock, services, start } = await setup(classified({ urgency: 'urgent', topic: 'technical' }), { text: 'Suggested reply.' });
    const run = await start(THERMOSTAT_OFFLINE);
    await waitForSignalWait(client, run.id, 'agent-reply');

    clock.advance(4 * HOUR);
    await waitForRun(client, run.id, 'to be escalated', (r) => r.status === 'waiting' && (r.progress as TriageProgress | undefined)?.stage === 'escalated');
    expect(services.helpdesk.assignments.map((a) => [a.to, a.escalation])).toEqual([
      ['support', false],
      ['support-lead', true],
    ]);

    await client.signal(run.id, 'agent-reply', { agent: 'sam', reply: 'Hello Linus, I am on it. Sam' });
    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ route: 'human', repliedBy: 'sam', escalated: true });
  });

  it('sends a holding reply when nobody answers even after the escalation', async () => {
    const { client, clock, services, start } = await setup(classified({ sentiment: 'angry' }), { text: 'Suggested reply.' });
    const run = await start(QUESTION);
    await waitForSignalWait(client, run.id, 'agent-reply');

    clock.advance(4 * HOUR);
    await waitForRun(client, run.id, 'to be escalated', (r) => r.status === 'waiting' && (r.progress as TriageProgress | undefined)?.stage === 'escalated');
    clock.advance(DAY);
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ route: 'human', repliedBy: 'holding-reply', escalated: true });
    expect(outcome.reply.body).toContain('your ticket TKT-1 is with our team lead');
    expect(services.mailer.sent).toHaveLength(1);
  });

  it('lets an agent search the knowledge base and look up the order before it answers a technical question', async () => {
    const { services, start, journal } = await setup(
      classified({ topic: 'technical', summary: 'Thermostat offline after a router change.' }),
      { toolCalls: [{ id: 'call_1', name: 'searchKnowledgeBase', arguments: { query: 'thermostat offline router' } }] },
      { toolCalls: [{ id: 'call_2', name: 'lookupOrder', arguments: { orderId: 'ORD-7003' } }] },
      { text: 'Hello Linus, hold the dial for 10 seconds, then reconnect (see KB-101).\n\nThe Support Team' },
    );
    const run = await start(THERMOSTAT_OFFLINE);

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({
      route: 'ai-agent',
      repliedBy: 'ai',
      toolCalls: ['searchKnowledgeBase', 'lookupOrder'],
      reply: { body: 'Hello Linus, hold the dial for 10 seconds, then reconnect (see KB-101).\n\nThe Support Team' },
    });
    expect(services.knowledgeBase.searches).toEqual(['thermostat offline router']);
    expect(stepNames(await journal(run.id))).toEqual([
      'baton:policy',
      'llm:classify',
      'agent:support:turn-1',
      'agent:support:tool:searchKnowledgeBase',
      'agent:support:turn-2',
      'agent:support:tool:lookupOrder',
      'agent:support:turn-3',
      'send-reply',
    ]);

    const [, firstTurn, secondTurn, lastTurn] = model.modelCalls;
    expect(firstTurn?.tools.map((t) => t.name)).toEqual(['searchKnowledgeBase', 'lookupOrder']);
    const searchResult = secondTurn?.messages.find((m) => m.role === 'tool');
    expect(searchResult?.toolResult?.toolCallId).toBe('call_1');
    expect(searchResult?.content).toContain('KB-101');
    expect(lastTurn?.messages.filter((m) => m.role === 'tool').at(-1)?.content).toContain('"total":129');
  });

  it('does not show an agent the order of another customer', async () => {
    const { services, start } = await setup(
      classified({ topic: 'technical' }),
      { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'ORD-7002' } }] },
      { text: 'Which order do you mean?' },
    );
    const run = await start(THERMOSTAT_OFFLINE);

    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ toolCalls: ['lookupOrder'] });
    expect(model.modelCalls[2]?.messages.filter((m) => m.role === 'tool').at(-1)?.content).toContain('The customer has no order ORD-7002.');
    expect(services.mailer.sent).toHaveLength(1);
  });

  it('refunds an order within the automatic limit without asking anybody', async () => {
    const { services, start, journal } = await setup(classified({ topic: 'refund' }), { text: 'Your refund is on its way.' });
    const run = await start(refundTicket('ORD-7001'));

    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({
      route: 'refund',
      refund: { status: 'issued', orderId: 'ORD-7001', amount: 39.9, currency: 'EUR', refundId: 'RF-0001', decidedBy: 'policy' },
      reply: { body: 'Your refund is on its way.' },
    });
    expect(services.orders.refunds).toMatchObject([{ orderId: 'ORD-7001', amount: 39.9 }]);
    expect(services.helpdesk.assignments).toEqual([]);
    expect(stepNames(await journal(run.id))).toEqual(['baton:policy', 'llm:classify', 'lookup-order', 'issue-refund', 'llm:draft-refund-issued', 'send-reply']);
    expect(systemOf(model.modelCalls[1])).toContain('We refunded 39.90 EUR for order ORD-7001 (refund RF-0001)');
  });

  it('refunds a larger order once a person approves it', async () => {
    const { client, services, start } = await setup(classified({ topic: 'refund' }), { text: 'Your refund of 249.00 EUR is on its way.' });
    const run = await start(refundTicket('ORD-7002'));

    const waiting = await waitForSignalWait(client, run.id, 'refund-approval');
    expect(waiting.progress).toMatchObject<Partial<TriageProgress>>({ stage: 'awaiting-refund-approval' });
    expect(services.helpdesk.for('dana')).toMatchObject([{ request: 'Approve a refund of 249.00 EUR for order ORD-7002 (The customer has a question.)' }]);
    expect(services.orders.refundRequests).toBe(0);

    await client.signal(run.id, 'refund-approval', { approved: true, by: 'dana', comment: 'Faulty.' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome.refund).toEqual({
      status: 'issued',
      orderId: 'ORD-7002',
      amount: 249,
      currency: 'EUR',
      refundId: 'RF-0001',
      decidedBy: 'dana',
      comment: 'Faulty.',
    });
    expect(services.orders.refunds).toHaveLength(1);
    expect(services.mailer.sent).toHaveLength(1);
  });

  it('declines a larger refund the person rejects, and tells the customer why', async () => {
    const { client, services, start, journal } = await setup(classified({ topic: 'refund' }), { text: 'We are sorry, but…' });
    const run = await start(refundTicket('ORD-7002'));
    await waitForSignalWait(client, run.id, 'refund-approval');

    await client.signal(run.id, 'refund-approval', { approved: false, by: 'dana', comment: 'Delivered more than two years ago.' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome.refund).toMatchObject({
      status: 'declined',
      orderId: 'ORD-7002',
      amount: 249,
      decidedBy: 'dana',
      comment: 'Delivered more than two years ago.',
    });
    expect(services.orders.refundRequests).toBe(0);
    expect(services.mailer.sent).toMatchObject([{ body: 'We are sorry, but…' }]);
    expect(systemOf(model.modelCalls[1])).toContain('The reason, from our team: Delivered more than two years ago.');
    expect(stepNames(await journal(run.id))).toEqual([
      'baton:policy',
      'llm:classify',
      'lookup-order',
      'request-refund-approval',
      'llm:draft-refund-declined',
      'send-reply',
    ]);
  });

  it("asks for the order number when the order is not the customer's", async () => {
    const { services, start } = await setup(classified({ topic: 'refund' }), { text: 'Which order number is it?' });
    const run = await start(refundTicket('ORD-7003', 'grace@example.com'));

    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ route: 'refund', refund: { status: 'order-not-found', orderId: 'ORD-7003' } });
    expect(services.orders.refundRequests).toBe(0);
    expect(systemOf(model.modelCalls[1])).toContain('we found no order ORD-7003 under their email address');
  });

  it('resumes after a crash while waiting for approval without calling the model again or refunding twice', async () => {
    const { client, services, start, journal } = await setup(classified({ topic: 'refund' }), { text: 'Refunded.' });
    const run = await start(refundTicket('ORD-7002'));
    await waitForSignalWait(client, run.id, 'refund-approval');
    expect(model.modelCalls).toHaveLength(1);

    current = await engine().restart();
    await current.client.signal(run.id, 'refund-approval', { approved: true, by: 'dana' });

    expect(await current.client.result(run.id, { timeoutMs: 10_000 })).toMatchObject({ refund: { status: 'issued', refundId: 'RF-0001' } });
    // The classification was journaled before the crash: only the reply's draft is a new call.
    expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);
    expect(services.helpdesk.assignments).toHaveLength(1);
    expect(services.orders.refundRequests).toBe(1);
    expect(services.mailer.sent).toHaveLength(1);
    expect((await journal(run.id)).filter((e) => e.name === 'llm:classify')).toMatchObject([{ status: 'completed', attempts: 1 }]);
  });
});

describe('routeFor', () => {
  it.each([
    [{ sentiment: 'angry', urgency: 'low', topic: 'general' }, 'human'],
    [{ sentiment: 'happy', urgency: 'urgent', topic: 'refund' }, 'human'],
    [{ sentiment: 'neutral', urgency: 'normal', topic: 'technical' }, 'ai-agent'],
    [{ sentiment: 'happy', urgency: 'low', topic: 'refund' }, 'refund'],
    [{ sentiment: 'neutral', urgency: 'normal', topic: 'billing' }, 'auto-reply'],
    [{ sentiment: 'neutral', urgency: 'low', topic: 'general' }, 'auto-reply'],
  ] as const)('routes %o to %s', (fields, route) => {
    expect(routeFor({ ...fields, summary: 'x' })).toBe(route);
  });
});

describe('the simulated services', () => {
  it('finds knowledge-base articles by the words they share with the query', () => {
    const { knowledgeBase } = createSupportServices();
    expect(knowledgeBase.search('espresso pump makes noise, no water').map((a) => a.id)).toEqual(['KB-102']);
    expect(knowledgeBase.search('zzz')).toEqual([]);
  });

  it('sends an email once per idempotency key', () => {
    const { mailer } = createSupportServices();
    const email = { idempotencyKey: 'run-1:7', to: 'grace@example.com', subject: 'Re: hi', body: 'Hello', ticketId: 'TKT-9' };
    expect(mailer.send(email)).toEqual(mailer.send(email));
    expect(mailer.sent).toHaveLength(1);
  });
});
