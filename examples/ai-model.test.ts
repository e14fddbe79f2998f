/**
 * The examples' model choice: BATON_AI_MODEL when set, else Baton's local scripted model server,
 * started on the first model call and closed when idle, answering well enough to drive the AI
 * examples to the end.
 */
import { readFileSync } from 'node:fs';
import { defineWorkflow, isTerminalStatus } from '@baton/core';
import '@baton/ai';
import { EMPTY_CATALOG, parseDefinition, plannerRequestMessage, plannerSystemPrompt } from '@baton/dsl';
import { afterEach, describe, expect, it } from 'vitest';
import { useExampleModel, type ExampleModel } from './ai-model.js';
import { startTestEngine, waitFor, waitForRun, waitForSignalWait, type TestEngine } from './test-support.js';
import { createSupportServices } from './support-triage/services.js';
import { createSupportTriageWorkflow, type Ticket, type TriageProgress, type TriageRoute, type TriageStage } from './support-triage/workflow.js';

let model: ExampleModel | undefined;
let current: TestEngine | undefined;

afterEach(async () => {
  await current?.stop();
  current = undefined;
  await model?.close();
  model = undefined;
});

async function listening(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/v1/models`)).ok;
  } catch {
    return false;
  }
}

describe('useExampleModel', () => {
  it('uses the model BATON_AI_MODEL names', () => {
    model = useExampleModel({ env: { BATON_AI_MODEL: 'openai:gpt-4o-mini', OPENAI_API_KEY: 'sk-test' } });
    expect(model).toMatchObject({ model: 'openai:gpt-4o-mini', scripted: false });
  });

  it('without BATON_AI_MODEL, answers from the local scripted model server, started on the first call and closed when idle', async () => {
    const lines: string[] = [];
    model = useExampleModel({ env: {}, log: (line) => lines.push(line), idleMs: 50 });
    expect(model).toMatchObject({ model: 'demo:scripted', scripted: true });
    expect(lines).toEqual([]);

    const services = createSupportServices();
    const workflow = createSupportTriageWorkflow(services);
    current = await startTestEngine([workflow]);
    const first = await current.client.start(workflow, {
      ticketId: 'TKT-7',
      customerEmail: 'linus@example.com',
      subject: 'A technical question',
      body: 'My thermostat shows offline since I changed the router.',
      orderId: 'ORD-7003',
    });
    const outcome = await first.result({ timeoutMs: 10_000 });

    // The demo responder reads the topic the ticket names, and the agent calls a tool before it answers.
    expect(outcome).toMatchObject({ route: 'ai-agent', classification: { sentiment: 'neutral', urgency: 'normal', topic: 'technical' }, repliedBy: 'ai' });
    expect(outcome.toolCalls).toHaveLength(1);
    expect(outcome.reply.body).toMatch(/^\[demo model\] Done: /);
    expect(lines).toHaveLength(1);
    const url = /at (http:\/\/127\.0\.0\.1:\d+) — set BATON_AI_MODEL=openai:gpt-4o-mini with OPENAI_API_KEY/.exec(lines[0] ?? '')?.[1];
    expect(lines[0]).toMatch(/^AI examples: no model configured \(BATON_AI_MODEL\); using Baton's local scripted model server at /);

    await waitFor('the idle server to close', async () => url !== undefined && !(await listening(url)));

    // The next call starts it again, on the same address, without announcing it twice.
    const second = await current.client.start(workflow, {
      ticketId: 'TKT-8',
      customerEmail: 'grace@example.com',
      subject: 'Refund',
      body: 'A refund for ORD-7001, please.',
      orderId: 'ORD-7001',
    });
    expect(await second.result({ timeoutMs: 10_000 })).toMatchObject({ route: 'refund', refund: { status: 'issued', amount: 39.9 } });
    expect(lines).toHaveLength(1);
  });

  it('drives a refund that needs approval to the approval and past it', async () => {
    model = useExampleModel({ env: {}, log: () => {} });
    const services = createSupportServices();
    const workflow = createSupportTriageWorkflow(services);
    current = await startTestEngine([workflow]);
    const run = await current.client.start(workflow, {
      ticketId: 'TKT-9',
      customerEmail: 'grace@example.com',
      subject: 'Refund for my espresso machine',
      body: 'It stopped pumping water; I would like a refund.',
      orderId: 'ORD-7002',
    });

    await waitForSignalWait(current.client, run.id, 'refund-approval');
    await current.client.signal(run.id, 'refund-approval', { approved: true, by: 'dana' });

    expect(await run.result({ timeoutMs: 10_000 })).toMatchObject({ route: 'refund', refund: { status: 'issued', amount: 249, decidedBy: 'dana' } });
    expect(services.mailer.sent).toHaveLength(1);
  });

  it("answers a planning request with a definition from Baton's rule-based planner", async () => {
    model = useExampleModel({ env: {}, log: () => {} });
    const ask = defineWorkflow({ name: 'ask-planner' }, async (ctx, description: string) => {
      const answer = await ctx.llm({
        system: plannerSystemPrompt('Write Serverless Workflow 1.0 YAML.', EMPTY_CATALOG),
        prompt: plannerRequestMessage(description),
      });
      return answer.text;
    });
    current = await startTestEngine([ask]);
    const run = await current.client.start(ask, 'If the amount is over 2,000 EUR, a manager approves the order; then email the customer.');
    const answer = await run.result({ timeoutMs: 10_000 });
    const text = /```yaml\n([\s\S]*?)\n```/.exec(answer)?.[1] ?? '';
    const parsed = await parseDefinition(text);
    expect(parsed.issues).toEqual([]);
    expect(text).toContain('call: baton.approval');
    expect(text).toContain('$workflow.input.amount > 2000');
  });

  const samples: [file: string, stage: TriageStage, route?: TriageRoute][] = [
    ['refund-large.json', 'awaiting-refund-approval'],
    ['refund-small.json', 'replied', 'refund'],
    ['technical.json', 'replied', 'ai-agent'],
    ['angry.json', 'awaiting-agent'],
    ['question.json', 'replied', 'auto-reply'],
  ];
  it.each(samples)('takes the sample ticket %s to %s', async (file, stage, route) => {
    model = useExampleModel({ env: {}, log: () => {} });
    const workflow = createSupportTriageWorkflow(createSupportServices());
    current = await startTestEngine([workflow]);
    const ticket = JSON.parse(readFileSync(new URL(`./support-triage/inputs/${file}`, import.meta.url), 'utf8')) as Ticket;
    const run = await current.client.start(workflow, ticket);

    const settled = await waitForRun(current.client, run.id, 'to wait or end', (r) => r.status === 'waiting' || isTerminalStatus(r.status));
    expect(settled.progress).toMatchObject<Partial<TriageProgress>>({ stage });
    if (route !== undefined) expect(await run.result()).toMatchObject({ route });
  });
});
