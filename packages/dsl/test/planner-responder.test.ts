/**
 * The rule-based offline planning model (`plannerResponder` from @baton/dsl/testing), asked over the
 * scripted model server's OpenAI wire protocol as the planner asks a model: paragraphs of varied
 * processes give definitions that validate, with the approvals, branches, calls, waits, loops and
 * retries the paragraph asks for; a later round repairs the problems fed back; a revision applies the
 * change to the given definition; the same request gets the same answer; other requests get the demo
 * model's answer. One planned definition is run on a real engine, both ways through its branch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { defineWorkflow } from '@baton/core';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { parseDefinition, plannerFeedbackMessage, plannerRequestMessage, plannerSystemPrompt, type PlanningCatalog } from '@baton/dsl';
import { plannerResponder } from '@baton/dsl/testing';
import { DefinitionRunner } from './definition-runner.js';

const GUIDE = 'Write Serverless Workflow 1.0 YAML. Baton adds call: baton.workflow, baton.llm, baton.agent and baton.approval.';

const catalog: PlanningCatalog = {
  workflows: [
    {
      name: 'invoice-approval',
      version: '1',
      kind: 'code',
      description: 'Extract, validate against the PO, approve (with escalation), pay and book an invoice; reverses the payment if booking fails.',
      inputSchema: { type: 'object', required: ['document'], properties: { document: { type: 'string' } } },
      signals: { approval: { type: 'object' } },
    },
    {
      name: 'customer-onboarding',
      version: '1',
      kind: 'code',
      description: 'Verify identity and check credit in parallel, provision the account, and welcome the customer once verified.',
      inputSchema: {
        type: 'object',
        required: ['customerId', 'fullName', 'email', 'dateOfBirth', 'country'],
        properties: {
          customerId: { type: 'string' },
          fullName: { type: 'string' },
          email: { type: 'string', format: 'email' },
          dateOfBirth: { type: 'string' },
          country: { type: 'string' },
          requestedCreditLimit: { type: 'number' },
        },
      },
    },
    {
      name: 'support-triage',
      version: '1',
      kind: 'code',
      description: 'Classify a support ticket with a model, route it, and reply.',
      inputSchema: { type: 'object', required: ['ticketId', 'customerEmail'], properties: { ticketId: { type: 'string' }, customerEmail: { type: 'string' } } },
    },
    {
      name: 'examples.expense-claim',
      version: '1.0.0',
      kind: 'definition',
      description: "Small claims are approved at once; larger ones wait for a manager's approval.",
    },
  ],
  functions: [
    {
      name: 'postToChat',
      description: 'Posts a message to the team chat channel',
      task: { call: 'http', with: { method: 'post', endpoint: 'https://chat.example.com/api/messages' } },
      declaredBy: 'examples.alerts',
    },
  ],
};

let server: ScriptedModelServer;

beforeAll(async () => {
  server = await startScriptedModelServer({ responder: plannerResponder });
});

afterAll(() => server.close());

interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One chat completion from the scripted model server, as the planner's OpenAI provider asks. */
async function ask(messages: Message[]): Promise<string> {
  const response = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer local' },
    body: JSON.stringify({ model: 'planner-test', messages }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? '';
}

function planningMessages(description: string, from?: string, using: PlanningCatalog = catalog): Message[] {
  return [
    { role: 'system', content: plannerSystemPrompt(GUIDE, using) },
    { role: 'user', content: plannerRequestMessage(description, from) },
  ];
}

function yamlOf(answer: string): string {
  const match = /```yaml\n([\s\S]*?)\n```/.exec(answer);
  expect(match, `no yaml block in: ${answer}`).not.toBeNull();
  return match?.[1] ?? '';
}

type Task = Record<string, unknown>;

/** Every task of a definition, nested ones included, as [name, task]. */
function tasksOf(document: unknown): [string, Task][] {
  const out: [string, Task][] = [];
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const item of list as Record<string, Task>[]) {
      const [name, task] = Object.entries(item)[0] ?? [];
      if (name === undefined || task === undefined) continue;
      out.push([name, task]);
      visit(task['do']);
      visit(task['try']);
    }
  };
  visit((document as { do?: unknown }).do);
  return out;
}

async function plan(description: string): Promise<{ text: string; document: Record<string, unknown>; tasks: [string, Task][] }> {
  const text = yamlOf(await ask(planningMessages(description)));
  // Valid as `baton validate` has it, and against the catalog the planner checks answers with.
  const parsed = await parseDefinition(text, { catalog });
  expect(parsed.issues, text).toEqual([]);
  const document = parse(text) as Record<string, unknown>;
  return { text, document, tasks: tasksOf(document) };
}

const calls = (tasks: [string, Task][], call: string): Task[] => tasks.filter(([, t]) => t['call'] === call).map(([, t]) => t);
const ofKind = (tasks: [string, Task][], key: string): Task[] => tasks.filter(([, t]) => key in t).map(([, t]) => t);

describe('plannerResponder: new definitions', () => {
  it('plans a purchase request: a manager approval above 5,000 EUR, then the catalog workflow, then a notification', async () => {
    const { text, document, tasks } = await plan(
      'When a purchase request comes in, a manager must approve it if the amount is above 5,000 EUR, and then the invoice-approval workflow runs. Finally, notify the requester by email.',
    );
    expect(document['document']).toMatchObject({ dsl: '1.0.0', namespace: 'examples', name: 'purchase-request', version: '0.1.0' });
    expect(text).toContain("Written by Baton's rule-based offline planner (no model)");
    const [approval] = calls(tasks, 'baton.approval');
    expect(approval?.['with']).toMatchObject({ signal: 'manager-approval', form: { required: ['approved'], properties: { approved: { type: 'boolean' } } } });
    const [check] = ofKind(tasks, 'switch');
    expect(JSON.stringify(check)).toContain('$workflow.input.amount > 5000');
    expect(calls(tasks, 'baton.workflow')).toEqual([
      expect.objectContaining({ with: { name: 'invoice-approval', input: { document: '${ $workflow.input.document }' } } }),
    ]);
    expect(ofKind(tasks, 'emit')).toHaveLength(1);
    const schema = (document['input'] as { schema: { document: { properties: Record<string, unknown>; required: string[] } } }).schema.document;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['amount', 'document', 'requesterEmail']));
    expect(schema.required).toEqual(expect.arrayContaining(['amount', 'document']));
    // Approval, then the catalog workflow: the order of the paragraph.
    const names = tasks.map(([name]) => name);
    expect(names.indexOf('managerApproval')).toBeLessThan(names.indexOf('invoiceApproval'));
  });

  it('plans a support triage: a model classifies into the named categories, and each branch does its part', async () => {
    const { tasks } = await plan(
      'New support tickets are classified by a model as billing, technical or other. If it is billing, a finance lead reviews it. Otherwise, draft a reply and send it to the customer. Wait 2 days and then close the ticket.',
    );
    const [classify, draft] = calls(tasks, 'baton.llm');
    expect((classify?.['with'] as { schema: unknown }).schema).toEqual({
      type: 'object',
      required: ['category'],
      properties: { category: { type: 'string', enum: ['billing', 'technical', 'other'] } },
    });
    expect(draft?.['with']).not.toHaveProperty('schema');
    const [branch] = ofKind(tasks, 'switch');
    expect(JSON.stringify(branch)).toContain('.object.category == \\"billing\\"');
    expect(calls(tasks, 'baton.approval')).toHaveLength(1);
    expect(ofKind(tasks, 'wait')).toEqual([expect.objectContaining({ wait: { days: 2 } })]);
  });

  it('plans an incident response with a threshold on a named score, a catalog function and a summary', async () => {
    const { document, tasks } = await plan(
      'An incident is reported with a severity score. If the severity score is at least 8, page the on-call engineer and post the alert to the team chat channel. Summarise the incident timeline for the postmortem.',
    );
    expect(JSON.stringify(ofKind(tasks, 'switch'))).toContain('$workflow.input.severityScore >= 8');
    expect(calls(tasks, 'postToChat')).toHaveLength(1);
    expect(document['use']).toEqual({ functions: { postToChat: catalog.functions[0]?.task } });
    expect(ofKind(tasks, 'emit')).toHaveLength(1);
    expect(calls(tasks, 'baton.llm')).toHaveLength(1);
  });

  it('plans a loop over the named items with a retried step inside', async () => {
    const { tasks } = await plan(
      'For each line item in the order, extract the product code with a model and retry up to 3 times if it fails. After 1 hour, email the customer a confirmation.',
    );
    const [loop] = ofKind(tasks, 'for');
    expect(loop?.['for']).toEqual({ each: 'lineItem', in: '${ $workflow.input.order }' });
    const [retried] = ofKind(tasks, 'try');
    expect(retried?.['catch']).toMatchObject({ retry: { limit: { attempt: { count: 3 } } } });
    expect(ofKind(tasks, 'wait')).toEqual([expect.objectContaining({ wait: { hours: 1 } })]);
  });

  it('plans KYC onboarding: the catalog workflow with its required input, a compliance sign-off on high risk, and a stop when refused', async () => {
    const { document, tasks } = await plan(
      'Onboard the customer with the customer-onboarding workflow. If the risk score is above 70, compliance must sign off; otherwise send the welcome pack. Then notify the account manager.',
    );
    const [onboard] = calls(tasks, 'baton.workflow');
    expect(Object.keys((onboard?.['with'] as { input: object }).input)).toEqual(['customerId', 'fullName', 'email', 'dateOfBirth', 'country']);
    const properties = (document['input'] as { schema: { document: { properties: object } } }).schema.document.properties;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['riskScore', 'customerId', 'email']));
    expect(calls(tasks, 'baton.approval')[0]?.['with']).toMatchObject({ signal: 'compliance-approval' });
    expect(JSON.stringify(ofKind(tasks, 'switch'))).toContain('approved != true');
  });

  it('reads "larger claims" as the cases the threshold before left out, records a policy decision, and keeps clear of a deployed name', async () => {
    const { document, tasks } = await plan(
      'Employees submit expense claims. Claims under 500 EUR are approved automatically; larger claims need a manager approval, and finance is notified after 3 days without an answer.',
    );
    // examples.expense-claim is in the catalog: a new process gets a name of its own.
    expect(document['document']).toMatchObject({ namespace: 'examples', name: 'expense-claim-2' });
    expect(tasks.find(([name]) => name === 'approveByPolicy')?.[1]).toMatchObject({ set: { approved: true, decidedBy: 'policy' } });
    const [check] = ofKind(tasks, 'switch');
    expect(check?.['switch']).toEqual([
      { amountUnder500: { when: '${ $workflow.input.amount < 500 }', then: 'approveByPolicy' } },
      { otherwise: { then: 'managerApproval' } },
    ]);
    expect(calls(tasks, 'baton.approval')).toHaveLength(1);
  });

  it('reads who approves, one approval each, and a catalog workflow named in plain words', async () => {
    const { tasks } = await plan(
      'When an invoice arrives, run the invoice approval. Purchases above 25,000 USD need approval from procurement and finance. HR reviews the paperwork; the CFO must also sign off.',
    );
    expect(calls(tasks, 'baton.workflow').map((t) => (t['with'] as { name: string }).name)).toEqual(['invoice-approval']);
    expect(calls(tasks, 'baton.approval').map((t) => (t['with'] as { signal: string }).signal)).toEqual([
      'procurement-approval',
      'finance-approval',
      'hr-approval',
      'cfo-approval',
    ]);
  });

  it('reads "review and sign off" as one approval, and a second approval after ", and" under its own threshold', async () => {
    const { tasks } = await plan(
      "The controller must review the report and sign off. The budget owner approves every request, and requests over 5,000 EUR also need the procurement lead's approval.",
    );
    expect(calls(tasks, 'baton.approval').map((t) => (t['with'] as { signal: string }).signal)).toEqual([
      'controller-approval',
      'budget-owner-approval',
      'procurement-lead-approval',
    ]);
    expect(JSON.stringify(ofKind(tasks, 'switch'))).toContain('$workflow.input.amount > 5000');
  });

  it.each([
    'Every Monday, extract the vendor, amount and due date from each uploaded invoice using a model. Invoices over $10k need sign-off from the CFO. Translate the summary into German and publish it.',
    'Draft the release notes from the merged pull requests with a model, have the product owner review them, then publish them to the blog and wait 1 day before announcing them to customers.',
    'A new article is drafted by a model from the brief; an editor reviews it; if the editor rejects it, rewrite it with a model and notify the author.',
    'Nightly, run the data import: load the CSV files, retry up to 5 times when the warehouse is unavailable, and alert the data team if more than 100 rows are rejected.',
    'Triage the ticket with the support-triage workflow and, when the priority is urgent, page the support lead.',
    'Something vague with no actions at all.',
  ])('writes a valid definition for: %s', async (description) => {
    const { text } = await plan(description);
    expect(text).toMatch(/^document:/m);
  });

  it.each([
    'Approve ${ .secret } if the amount is above 5,000 EUR, then summarise "it" \\( with a model.',
    'if then else end; reduce the def; and or not',
    'A manager reviews it: # not a comment { [ ] } - * & ! | > 12 EUR',
    'Für jeden Posten 🙂, wait 2 days. Otherwise, email the customer.',
  ])('writes a valid definition from odd text: %s', async (description) => {
    await plan(description);
  });

  it('sends a notification through the catalog workflow for its channel, to the email the paragraph names', async () => {
    const withEmail: PlanningCatalog = {
      ...catalog,
      workflows: [
        ...catalog.workflows,
        {
          name: 'comms.send-email',
          version: '1',
          kind: 'code',
          description: 'Sends an email',
          inputSchema: { type: 'object', required: ['to', 'subject'], properties: { to: { type: 'string' }, subject: { type: 'string' } } },
        },
      ],
    };
    const text = yamlOf(await ask(planningMessages('A manager approves the trip; then the requester is notified by email.', undefined, withEmail)));
    expect((await parseDefinition(text, { catalog: withEmail })).issues, text).toEqual([]);
    const [send] = calls(tasksOf(parse(text)), 'baton.workflow');
    expect(send?.['with']).toEqual({
      name: 'comms.send-email',
      input: { to: '${ $workflow.input.requesterEmail }', subject: 'The requester is notified by email' },
    });
  });

  it('lists the clauses it could not plan in a comment rather than guessing', async () => {
    const { text } = await plan('Check the stock level in the warehouse, then notify the buyer.');
    expect(text).toContain('Not planned');
    expect(text).toContain('Check the stock level in the warehouse');
  });

  it('gives the same answer to the same request', async () => {
    const description = 'If the order total is over 250 USD, a supervisor approves it. Summarise the order for the customer and email it.';
    const first = await ask(planningMessages(description));
    const second = await ask(planningMessages(description));
    expect(second).toBe(first);
  });

  it('answers over the Anthropic Messages protocol as well, the system prompt given as Anthropic gives it', async () => {
    const response = await fetch(`${server.anthropicBaseUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'local', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'planner-test',
        max_tokens: 4_000,
        system: plannerSystemPrompt(GUIDE, catalog),
        messages: [{ role: 'user', content: plannerRequestMessage('A manager approves the order if the amount is over 900 EUR.') }],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { content: { type: string; text: string }[] };
    const text = yamlOf(body.content[0]?.text ?? '');
    expect((await parseDefinition(text, { catalog })).issues).toEqual([]);
    expect(text).toContain('$workflow.input.amount > 900');
  });

  it('answers a request that is not a planning request as the demo model does', async () => {
    const answer = await ask([{ role: 'user', content: 'What is the weather in Paris?' }]);
    expect(answer).toBe('[demo model] You asked: "What is the weather in Paris?".');
  });
});

describe('plannerResponder: later rounds repair the problems fed back', () => {
  const broken = `document: { dsl: '1.0.0', namespace: planned, name: broken, version: '0.1.0' }
do:
  - review:
      call: baton.approval
      with: { title: Review it, form: { type: object, required: [approved], properties: { approved: { type: boolean } } } }
  - review:
      set: { reviewed: true }
  - route:
      switch:
        - big: { when: '\${ .amount > 10 }', then: payOut }
  - pay:
      call: baton.workflow
      with: { name: invoice-approvals, input: { doc: '\${ .document }' } }
  - payAgain:
      call: baton.workflow
      with: { name: invoice-approval, version: '7', input: { document: '\${ .document }' } }
  - ask:
      call: baton.approval
      with: { description: Is it fine? }
  - ping:
      call: slackNotify
`;

  it('repairs each problem the validation and the catalog check report, and the answer then validates', async () => {
    const parsed = await parseDefinition(broken, { catalog });
    expect(parsed.issues.map((i) => i.kind)).toEqual(['duplicate', 'reference', 'catalog', 'catalog', 'catalog', 'catalog', 'reference']);
    const answer = await ask([
      ...planningMessages('Review it and pay it.'),
      { role: 'assistant', content: `\`\`\`yaml\n${broken}\`\`\`` },
      { role: 'user', content: plannerFeedbackMessage(parsed.issues) },
    ]);
    expect(answer).toMatch(/^The corrected definition/);
    const text = yamlOf(answer);
    expect((await parseDefinition(text, { catalog })).issues, text).toEqual([]);
    const tasks = tasksOf(parse(text));
    // The duplicate renamed, the call to an undeclared function dropped.
    expect(tasks.map(([name]) => name)).toEqual(['review', 'review2', 'route', 'pay', 'payAgain', 'ask']);
    // The then to nowhere goes to the closest task; the workflow the catalog lacks is the one it has, its input fitted.
    expect(JSON.stringify(tasks[2]?.[1])).toContain('"then":"pay"');
    expect(tasks[3]?.[1]['with']).toEqual({ name: 'invoice-approval', input: { document: '${ $workflow.input.document }' } });
    expect(tasks[4]?.[1]['with']).toEqual({ name: 'invoice-approval', input: { document: '${ .document }' } });
    expect(tasks[5]?.[1]['with']).toMatchObject({ title: 'Is it fine?', description: 'Is it fine?', form: { required: ['approved'] } });
    expect(text).toContain('Repaired after feedback');
  });

  it('gives an approval without a form the standard form', async () => {
    const noForm = `document: { dsl: '1.0.0', namespace: planned, name: approve, version: '0.1.0' }
do:
  - approve:
      call: baton.approval
      with: { title: Approve it }
`;
    const feedback = [
      '## Problems',
      'Your definition has 1 problem:',
      '- line 5, column 7, /do/0/approve/with (catalog): an approval needs a form (a JSON Schema of the answer)',
    ].join('\n');
    const answer = await ask([
      ...planningMessages('Approve it.'),
      { role: 'assistant', content: `\`\`\`yaml\n${noForm}\`\`\`` },
      { role: 'user', content: feedback },
    ]);
    const text = yamlOf(answer);
    expect((await parseDefinition(text, { catalog })).issues).toEqual([]);
    expect(tasksOf(parse(text))[0]?.[1]['with']).toMatchObject({ title: 'Approve it', form: { required: ['approved'] } });
  });

  it('writes afresh from the paragraph when the previous answer is not YAML', async () => {
    const feedback = ['## Problems', 'Your definition has 1 problem:', '- line 1, column 1, / (syntax): not YAML'].join('\n');
    const answer = await ask([
      ...planningMessages('A manager approves the purchase if the amount is over 1,000 EUR.'),
      { role: 'assistant', content: 'do: [ {' },
      { role: 'user', content: feedback },
    ]);
    const text = yamlOf(answer);
    expect((await parseDefinition(text, { catalog })).issues).toEqual([]);
    expect(text).toContain('call: baton.approval');
  });
});

describe('plannerResponder: revisions', () => {
  it('adds a manager approval above 10,000 EUR before the task the change names, bumping the version', async () => {
    const original = (await plan('Run the invoice-approval workflow for the invoice, then notify the vendor.')).text;
    const answer = await ask(planningMessages('Add a manager approval above 10,000 EUR before the invoice approval.', original));
    expect(answer).toMatch(/^The revised definition/);
    const text = yamlOf(answer);
    expect((await parseDefinition(text, { catalog })).issues, text).toEqual([]);
    const document = parse(text) as Record<string, unknown>;
    expect(document['document']).toMatchObject({ version: '0.2.0' });
    const names = tasksOf(document).map(([name]) => name);
    expect(names.slice(0, 3)).toEqual(['checkAmount', 'managerApproval', 'stopIfManagerApprovalRefused']);
    expect(names).toContain('invoiceApproval');
    expect(JSON.stringify(document['do'])).toContain('$workflow.input.amount > 10000');
    // The skipped branch goes on to the task the approval was inserted before.
    expect(JSON.stringify(tasksOf(document)[0]?.[1])).toContain('"otherwise":{"then":"invoiceApproval"}');
    const schema = (document['input'] as { schema: { document: { properties: object; required: string[] } } }).schema.document;
    expect(schema.properties).toHaveProperty('amount');
    expect(schema.required).toContain('amount');
  });

  it('appends at the end when the change names no task, and removes a task a change asks to remove', async () => {
    const original = (await plan('Summarise the contract with a model, then notify the legal team.')).text;
    const added = yamlOf(await ask(planningMessages('Add a legal sign-off.', original)));
    expect((await parseDefinition(added, { catalog })).issues).toEqual([]);
    expect(
      tasksOf(parse(added))
        .map(([name]) => name)
        .at(-1),
    ).toBe('legalApproval');

    const removed = yamlOf(await ask(planningMessages('Remove the summarise step.', added)));
    expect((await parseDefinition(removed, { catalog })).issues).toEqual([]);
    expect(tasksOf(parse(removed)).map(([name]) => name)).not.toContain('summariseContract');
  });
});

describe('a planned definition runs', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  it('skips the approval under the threshold, and waits for it above', async () => {
    const { text } = await plan('A manager must approve the purchase if the amount is above 5,000 EUR, and then the invoice-approval workflow runs.');
    const paid: unknown[] = [];
    const invoiceApproval = defineWorkflow({ name: 'invoice-approval', input: z.object({ document: z.string() }) }, (_ctx, input) => {
      paid.push(input.document);
      return Promise.resolve({ status: 'paid' });
    });
    const workflow = await runner.workflow(text, { resolveWorkflow: (name) => (name === 'invoice-approval' ? invoiceApproval : undefined) });
    const engine = await runner.engine([workflow, invoiceApproval]);

    const small = await engine.client.start(workflow, { amount: 1_200, document: 'INV-1' });
    expect((await runner.outcome(engine, small.id)).output).toEqual({ status: 'paid' });

    const large = await engine.client.start(workflow, { amount: 8_000, document: 'INV-2' });
    await expect.poll(async () => (await engine.client.get(large.id))?.waitingFor?.signals, { timeout: 60_000 }).toEqual(['manager-approval']);
    await engine.client.signal(large.id, 'manager-approval', { approved: true, comment: 'ok' });
    expect((await runner.outcome(engine, large.id)).output).toEqual({ status: 'paid' });

    const refused = await engine.client.start(workflow, { amount: 9_000, document: 'INV-3' });
    await expect.poll(async () => (await engine.client.get(refused.id))?.waitingFor?.signals, { timeout: 60_000 }).toEqual(['manager-approval']);
    await engine.client.signal(refused.id, 'manager-approval', { approved: false });
    expect((await runner.outcome(engine, refused.id)).output).toEqual({ approved: false });
    expect(paid).toEqual(['INV-1', 'INV-2']);
  });
});
