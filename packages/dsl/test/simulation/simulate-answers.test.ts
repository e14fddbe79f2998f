/**
 * Where simulate() answers come from: a call from its output schema, from the scenario (a list for
 * successive calls), and a scenario error that a `try` catches and retries (the back-off skipped,
 * the attempts qualified in the path); `baton.workflow` from the catalog's output schema; `baton.llm`
 * with a schema answered with a sample object; `listen` from the scenario's events or a default
 * event; `run` and `emit`.
 */
import { describe, expect, it } from 'vitest';
import type { PlanningCatalog } from '@baton/dsl';
import { definition, simulateInMemory, steps, task } from './simulation-support.js';

describe('simulate: answers', () => {
  it('answers a call from its output schema, else with {}', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - lookup:
      call: http
      with: { method: get, endpoint: '\${ "https://crm.example.com/customers/" + (.id | tostring) }' }
      output:
        schema:
          format: json
          document:
            type: object
            properties:
              id: { type: integer, minimum: 1 }
              tier: { type: string, enum: [ gold, silver ] }
            required: [ id, tier ]
  - notify:
      call: http
      with: { method: post, endpoint: 'https://mail.example.com/send', body: '\${ . }' }
`),
      { id: 7 },
    );
    expect(result.status).toBe('completed');
    expect(task(result, 'lookup')).toMatchObject({ kind: 'call', answeredBy: 'schema', output: { id: 1, tier: 'gold' } });
    expect(task(result, 'notify')).toMatchObject({ answeredBy: 'default', output: {} });
  });

  it('still faults like production on a call whose arguments do not evaluate', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - lookup:
      call: http
      with: { method: get, endpoint: '\${ if .id == null then error("no id") else "https://crm.example.com/" end }' }
`),
      {},
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.instance).toBe('/do/0/lookup');
    expect(steps(result)).toEqual(['lookup:faulted']);
  });

  it("a scenario's error is caught by try and retried, the back-off skipped and each attempt in the path", async () => {
    const text = definition(`
do:
  - charge:
      try:
        - pay:
            call: http
            with: { method: post, endpoint: 'https://pay.example.com/charge' }
      catch:
        errors:
          with: { status: 503 }
        retry:
          delay: { minutes: 10 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 3 } }
`);
    const unavailable = { error: { status: 503, detail: 'down for maintenance' } };
    const result = await simulateInMemory(text, {}, { scenario: { tasks: { pay: [unavailable, unavailable, { output: { charged: true } }] } } });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ charged: true });
    expect(steps(result)).toEqual(['charge:completed', 'pay:faulted', 'pay#2:faulted', 'pay#3:completed']);
    expect(task(result, 'pay').error).toMatchObject({ status: 503, detail: 'down for maintenance', instance: '/do/0/charge/try/0/pay' });
    expect(task(result, 'pay').error?.type).toMatch(/\/communication$/);
    expect(task(result, 'pay', '#3')).toMatchObject({ answeredBy: 'scenario', depth: 1 });
    // Ten and twenty minutes of back-off were not waited for.
    expect(result.durationMs).toBeLessThan(20_000);

    // The last answer repeats: with every attempt failing, the retries run out and the run faults.
    const failing = await simulateInMemory(text, {}, { scenario: { tasks: { pay: unavailable } } });
    expect(failing.status).toBe('faulted');
    expect(failing.error).toMatchObject({ status: 503 });
    expect(steps(failing)).toEqual(['charge:faulted', 'pay:faulted', 'pay#2:faulted', 'pay#3:faulted', 'pay#4:faulted']);
  });

  it("answers baton.workflow from the catalog's output schema, and run: workflow the same way", async () => {
    const catalog: PlanningCatalog = {
      workflows: [
        {
          name: 'credit-check',
          version: '2',
          kind: 'code',
          description: 'Scores a customer',
          outputSchema: { type: 'object', properties: { score: { type: 'integer', minimum: 300, maximum: 850 } }, required: ['score'] },
        },
        {
          name: 'billing.invoice',
          version: '1.0.0',
          kind: 'definition',
          outputSchema: { type: 'object', properties: { invoiceId: { type: 'string', format: 'uuid' } }, required: ['invoiceId'] },
        },
      ],
      functions: [],
    };
    const result = await simulateInMemory(
      definition(`
do:
  - credit:
      call: baton.workflow
      with: { name: credit-check, input: { customer: '\${ .customer }' } }
  - invoice:
      run:
        workflow: { namespace: billing, name: invoice, version: '1.0.0', input: { amount: 10 } }
  - unknown:
      call: baton.workflow
      with: { name: not-in-catalog }
`),
      { customer: 'c-1' },
      { catalog },
    );
    expect(result.status).toBe('completed');
    expect(task(result, 'credit')).toMatchObject({ answeredBy: 'schema', output: { score: 300 } });
    expect(task(result, 'invoice')).toMatchObject({ kind: 'run', answeredBy: 'schema', output: { invoiceId: '00000000-0000-4000-8000-000000000000' } });
    expect(task(result, 'unknown')).toMatchObject({ answeredBy: 'default', output: {} });
  });

  it('answers baton.llm with a schema with a sample object, and without one with a simulated text', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - classify:
      call: baton.llm
      with:
        prompt: '\${ "Classify this ticket: " + .text }'
        schema:
          type: object
          properties:
            category: { type: string, enum: [ billing, bug, other ] }
          required: [ category ]
  - route:
      switch:
        - bugs:
            when: '\${ .object.category == "bug" }'
            then: engineering
        - rest:
            then: support
  - engineering:
      call: baton.llm
      with: { prompt: Write a bug report }
      then: end
  - support:
      set: { team: support }
`),
      { text: 'I found a bug in the export' },
    );
    expect(result.status).toBe('completed');
    expect(task(result, 'classify')).toMatchObject({
      answeredBy: 'schema',
      output: {
        object: { category: 'bug' },
        text: '{"category":"bug"}',
        model: 'simulation',
        usage: { input: 0, output: 0, total: 0 },
        costUsd: 0,
        cached: false,
      },
    });
    expect(steps(result)).toEqual(['classify:completed', 'route:completed>bugs->engineering', 'engineering:completed->end']);
    expect(result.output).toMatchObject({ text: '[simulated] Write a bug report', model: 'simulation' });

    const scripted = await simulateInMemory(
      definition(`
do:
  - ask:
      call: baton.agent
      with: { prompt: Find the order }
`),
      {},
      { scenario: { tasks: { ask: { output: 'Order 42 ships Monday' } } } },
    );
    expect(task(scripted, 'ask')).toMatchObject({ answeredBy: 'scenario', output: { text: 'Order 42 ships Monday', turns: 1, toolCalls: [], costUsd: 0 } });
  });

  it('a model call inside a fork branch faults as in production', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - both:
      fork:
        branches:
          - one:
              call: baton.llm
              with: { prompt: hello }
          - two:
              set: { two: true }
`),
      {},
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.detail).toContain('cannot run inside a fork branch');
  });

  it("listen receives the scenario's events in order, or one default event per awaited type", async () => {
    const text = definition(`
do:
  - paid:
      listen:
        to:
          one: { with: { type: com.example.payment.received } }
  - shipped:
      listen:
        to:
          all:
            - with: { type: com.example.parcel.packed }
            - with: { type: com.example.parcel.collected }
        read: envelope
  - again:
      listen:
        to:
          one: { with: { type: com.example.payment.received } }
`);
    const result = await simulateInMemory(
      text,
      {},
      {
        scenario: {
          events: {
            'com.example.payment.received': [{ amount: 10 }, { amount: 20 }],
            'com.example.parcel.packed': [{ parcel: 'p-1' }],
          },
        },
      },
    );
    expect(result.status).toBe('completed');
    expect(task(result, 'paid')).toMatchObject({ kind: 'listen', answeredBy: 'scenario', output: [{ amount: 10 }] });
    expect(task(result, 'again').output).toEqual([{ amount: 20 }]);
    const envelopes = task(result, 'shipped').output as { type: string; data: unknown; specversion: string }[];
    expect(envelopes.map((e) => [e.type, e.data, e.specversion])).toEqual([
      ['com.example.parcel.packed', { parcel: 'p-1' }, '1.0'],
      ['com.example.parcel.collected', {}, '1.0'],
    ]);

    const defaults = await simulateInMemory(text, {});
    expect(task(defaults, 'paid')).toMatchObject({ answeredBy: 'default', output: [{}] });
  });

  it('listen with any and until consumes events until the condition holds, and foreach runs on them', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - collect:
      listen:
        to:
          any:
            - with: { type: com.example.reading }
          until: '\${ map(.value) | add >= 10 }'
      foreach:
        item: reading
        do:
          - double:
              set: { doubled: '\${ $reading.value * 2 }' }
`),
      {},
      { scenario: { events: { 'com.example.reading': [{ value: 4 }, { value: 7 }, { value: 100 }] } } },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual([{ doubled: 8 }, { doubled: 14 }]);
    expect(steps(result)).toEqual(['collect:completed', 'double#1:completed', 'double#2:completed']);
  });

  it('run: shell answers from the scenario without running anything; emit writes only to the private store', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - build:
      run:
        shell: { command: 'rm -rf /definitely-not-run' }
  - announce:
      emit:
        event:
          with: { source: https://shop.example.com, type: com.example.build.done, data: '\${ . }' }
`),
      {},
      { scenario: { tasks: { build: { output: { code: 0, stdout: 'built' } } } } },
    );
    expect(result.status).toBe('completed');
    expect(task(result, 'build')).toMatchObject({ answeredBy: 'scenario', output: { code: 0, stdout: 'built' } });
    expect(result.output).toMatchObject({ type: 'com.example.build.done', data: { code: 0, stdout: 'built' } });
  });
});
