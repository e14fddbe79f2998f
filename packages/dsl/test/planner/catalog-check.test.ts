/**
 * parseDefinition with a planning catalog: the workflows a definition calls must exist at the
 * versions it names and get inputs that fit their schemas (expressions match anything), approvals
 * need a title and an object form, model schemas must compile, and an undeclared function's issue
 * shows the catalog's declaration. Without a catalog nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition, type DefinitionIssue, type PlanningCatalog } from '@baton/dsl';
import { definition } from '../test-stores.js';

const catalog: PlanningCatalog = {
  workflows: [
    {
      name: 'payments.pay-invoice',
      version: '2',
      kind: 'code',
      description: 'Pays an invoice',
      inputSchema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          invoiceId: { type: 'string' },
          amount: { type: 'number' },
          payee: { type: 'object', properties: { iban: { type: 'string' } }, required: ['iban'], additionalProperties: false },
        },
        required: ['invoiceId', 'amount'],
        additionalProperties: false,
      },
    },
    { name: 'payments.pay-invoice', version: '3', kind: 'code', inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
    {
      name: 'shop.reserve-stock',
      version: '1.0.0',
      kind: 'definition',
      inputSchema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
    },
    {
      name: 'support.lookup-order',
      version: '1',
      kind: 'code',
      inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    },
  ],
  functions: [{ name: 'sendEmail', task: { call: 'http', with: { method: 'post', endpoint: 'https://mail.example.com/send' } }, declaredBy: 'mail.notify' }],
};

async function issuesOf(body: string, against: PlanningCatalog | null = catalog): Promise<DefinitionIssue[]> {
  const parsed = await parseDefinition(definition(body), against === null ? {} : { catalog: against });
  return parsed.issues;
}

describe('checks against the catalog', () => {
  it('accepts a definition that calls catalog workflows with fitting inputs, literal or computed', async () => {
    const body = `
do:
  - pay:
      call: baton.workflow
      with: { name: payments.pay-invoice, version: '2', input: { invoiceId: '\${ .id }', amount: 12.5, payee: '\${ .payee }' } }
  - reserve:
      run:
        workflow: { namespace: shop, name: reserve-stock, version: latest, input: { sku: A-1 } }
  - whole:
      call: baton.workflow
      with: { name: shop.reserve-stock, input: '\${ .order }' }
  - agent:
      call: baton.agent
      with: { prompt: hi, tools: [ support.lookup-order, { name: payments.pay-invoice, version: '3' } ] }
  - approve:
      call: baton.approval
      with: { title: Approve?, form: { type: object, properties: { approved: { type: boolean } } } }
`;
    expect(await issuesOf(body)).toEqual([]);
  });

  it('a workflow the catalog does not have, named at its line with the closest names', async () => {
    const issues = await issuesOf(`
do:
  - pay:
      call: baton.workflow
      with:
        name: payments.pay-invoices
`);
    expect(issues).toEqual([
      {
        kind: 'catalog',
        path: '/do/0/pay/with/name',
        line: 7,
        column: 15,
        message: expect.stringContaining(
          "task 'pay' calls workflow 'payments.pay-invoices', which the catalog does not have (did you mean 'payments.pay-invoice'?)",
        ) as string,
      },
    ]);
    expect(issues[0]!.message).toContain('call one of payments.pay-invoice, shop.reserve-stock, support.lookup-order');
  });

  it('run: workflow names the namespace and name to write', async () => {
    const issues = await issuesOf(`
do:
  - reserve:
      run:
        workflow: { namespace: shop, name: reserve, version: latest, input: { sku: A-1 } }
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'catalog', path: '/do/0/reserve/run/workflow/name', line: 6 });
    expect(issues[0]!.message).toContain("calls workflow 'shop.reserve', which the catalog does not have (did you mean 'shop.reserve-stock'?)");
    expect(issues[0]!.message).toContain('write it as namespace: shop, name: reserve-stock');
  });

  it('a version the catalog does not have lists the versions it has', async () => {
    const issues = await issuesOf(`do: [ { pay: { call: baton.workflow, with: { name: payments.pay-invoice, version: '9', input: { id: x } } } } ]`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'catalog', path: '/do/0/pay/with/version' });
    expect(issues[0]!.message).toContain("at version '9', which the catalog does not have: its versions are '2', '3'");
  });

  it('an input that does not fit: missing required keys, unknown keys, literals of the wrong type, nested too', async () => {
    const issues = await issuesOf(`
do:
  - pay:
      call: baton.workflow
      with:
        name: payments.pay-invoice
        version: '2'
        input:
          amount: twelve
          note: '\${ .note }'
          payee: { bank: x }
`);
    const messages = issues.map((issue) => [issue.path, issue.line, issue.message]);
    expect(messages).toEqual([
      [
        '/do/0/pay/with/input',
        9,
        expect.stringContaining(
          "the input: required property 'invoiceId' is missing (the input takes invoiceId (string, required), amount (number, required), payee (object))",
        ),
      ],
      ['/do/0/pay/with/input/amount', 10, expect.stringContaining('input/amount: must be number')],
      ['/do/0/pay/with/input/note', 11, expect.stringContaining("the input: property 'note' is not allowed")],
      [
        '/do/0/pay/with/input/payee',
        12,
        expect.stringContaining("input/payee: required property 'iban' is missing (input/payee takes iban (string, required))"),
      ],
      ['/do/0/pay/with/input/payee/bank', 12, expect.stringContaining("input/payee: property 'bank' is not allowed")],
    ]);
    expect(issues.every((issue) => issue.kind === 'catalog' && issue.message.startsWith("task 'pay' gives workflow 'payments.pay-invoice' an input"))).toBe(
      true,
    );
  });

  it('no input at all is an empty object: its required keys are missing', async () => {
    const issues = await issuesOf(`do: [ { reserve: { call: baton.workflow, with: { name: shop.reserve-stock } } } ]`);
    expect(issues.map((issue) => issue.message)).toEqual([expect.stringContaining("required property 'sku' is missing")]);
  });

  it('an agent tool that is not in the catalog; its input is the model’s, so not checked', async () => {
    const issues = await issuesOf(`do: [ { help: { call: baton.agent, with: { prompt: hi, tools: [ support.lookup, shop.reserve-stock ] } } } ]`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'catalog', path: '/do/0/help/with/tools/0' });
    expect(issues[0]!.message).toContain("did you mean 'support.lookup-order'?");
  });

  it('names given as expressions are not checked', async () => {
    expect(await issuesOf(`do: [ { any: { call: baton.workflow, with: { name: '\${ .workflow }', input: { x: 1 } } } } ]`)).toEqual([]);
  });

  it('an approval without a form, or without a title, or with a form that is not an object schema', async () => {
    const issues = await issuesOf(`
do:
  - first:
      call: baton.approval
      with: { title: Approve? }
  - second:
      call: baton.approval
      with:
        form: { type: object }
  - third:
      call: baton.approval
      with: { title: ok, form: { type: strng } }
  - fourth:
      call: baton.approval
      with: { title: ok, form: { type: string } }
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['/do/0/first/with', expect.stringMatching(/^the approval 'first' has no form: add with\.form, the JSON Schema of the answer/)],
      ['/do/1/second/with', expect.stringMatching(/^the approval 'second' has no title: add with\.title/)],
      ['/do/2/third/with/form', expect.stringMatching(/^the form of approval 'third' must be a JSON Schema of an object \(type: object\)/)],
      ['/do/3/fourth/with/form', expect.stringMatching(/^the form of approval 'fourth' must be a JSON Schema of an object \(type: object\)/)],
    ]);
    expect(issues[2]!.message).toContain('it does not compile');
    expect(issues.every((issue) => issue.kind === 'catalog')).toBe(true);
  });

  it('a model call whose schema does not compile', async () => {
    const issues = await issuesOf(`do: [ { ask: { call: baton.llm, with: { prompt: hi, schema: { type: object, required: name } } } } ]`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'catalog', path: '/do/0/ask/with/schema' });
    expect(issues[0]!.message).toContain("the schema of task 'ask' (baton.llm) is not a JSON Schema Baton can use");
  });

  it("Baton's functions without the arguments they need, and model calls inside fork branches", async () => {
    const issues = await issuesOf(`
do:
  - run:
      call: baton.workflow
  - ask:
      call: baton.llm
      with: { system: Be brief. }
  - help:
      call: baton.agent
      with: { instructions: Help. }
  - both:
      fork:
        branches:
          - left: { call: baton.llm, with: { prompt: hi } }
          - right: { set: { ok: true } }
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['/do/0/run/with', expect.stringContaining("task 'run' (call: baton.workflow) needs with.name: name (the catalog workflow to run)")],
      ['/do/1/ask/with', expect.stringContaining("task 'ask' (call: baton.llm) needs with.prompt")],
      ['/do/2/help/with', expect.stringContaining("task 'help' (call: baton.agent) needs with.prompt and with.tools")],
      ['/do/3/both/fork/branches/0/left/call', expect.stringContaining("task 'left' calls baton.llm inside a fork branch, which Baton refuses")],
    ]);
  });

  it('a baton function that does not exist', async () => {
    const issues = await issuesOf(`do: [ { mail: { call: baton.email, with: { to: x } } } ]`);
    expect(issues).toEqual([expect.objectContaining({ kind: 'catalog', path: '/do/0/mail/call' })]);
    expect(issues[0]!.message).toContain("Baton's functions are baton.workflow, baton.llm, baton.agent, baton.approval");
  });

  it('an undeclared function the catalog has: the issue shows the declaration to copy', async () => {
    const issues = await issuesOf(`do: [ { mail: { call: sendEmail, with: { to: x } } } ]`);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.kind).toBe('reference');
    expect(issues[0]!.message).toContain(
      `The catalog has function 'sendEmail' (from mail.notify): declare it under use.functions as sendEmail: {"call":"http","with":{"method":"post","endpoint":"https://mail.example.com/send"}}`,
    );
    const close = await issuesOf(`do: [ { mail: { call: sendMail } } ]`);
    expect(close[0]!.message).toContain(
      "Did you mean the catalog's function 'sendEmail' (from mail.notify)? Call it by that name and declare it under use.functions as sendEmail: {",
    );
    const declared = await issuesOf(`
use:
  functions:
    sendEmail: { call: http, with: { method: post, endpoint: 'https://mail.example.com/send' } }
do: [ { mail: { call: sendEmail } } ]`);
    expect(declared).toEqual([]);
  });

  it('an empty catalog says there is nothing to call', async () => {
    const issues = await issuesOf(`do: [ { pay: { call: baton.workflow, with: { name: payments.pay-invoice } } } ]`, { workflows: [], functions: [] });
    expect(issues[0]!.message).toContain('the catalog has no workflows');
  });

  it('waits for the DSL schema: with schema issues, no catalog issues', async () => {
    const issues = await issuesOf(`do: [ { pay: { call: baton.workflow, with: { name: nowhere } } }, { bad: { email: { to: x } } } ]`);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.kind !== 'catalog')).toBe(true);
  });

  it('runs beside reference and expression issues, sorted by line', async () => {
    const issues = await issuesOf(`
do:
  - pay:
      call: baton.workflow
      with: { name: nowhere }
      then: missing
  - calc:
      set: { x: '\${ .a + }' }
`);
    expect(issues.map((issue) => issue.kind)).toEqual(['catalog', 'reference', 'expression']);
  });

  it('without a catalog, nothing is checked against one', async () => {
    expect(
      await issuesOf(
        `do: [ { pay: { call: baton.workflow, with: { name: nowhere, input: { x: 1 } } } }, { ok: { call: baton.approval, with: { title: t } } } ]`,
        null,
      ),
    ).toEqual([]);
    const undeclared = await issuesOf(`do: [ { mail: { call: sendEmail } } ]`, null);
    expect(undeclared[0]!.message).not.toContain('catalog');
  });
});
