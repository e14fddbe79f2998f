/** emit into Baton's event log, and listen (one, all, any, until, foreach, read) on it. */
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '@baton/core';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

/** Polls `condition` until it holds (generous deadline: machines are loaded). */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the run has received `received` events and waits again (an event only reaches a wait that has begun). */
async function waitingAfter(engine: Engine, runId: string, received: number): Promise<void> {
  await until(async () => {
    const journal = await engine.client.journal(runId);
    const signals = journal.filter((entry) => entry.kind === 'event').length;
    return signals >= received && (await engine.client.get(runId))?.status === 'waiting';
  }, `run ${runId} waits after ${received} events`);
}

describe('events', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  /** Starts the definition and waits until its run is suspended waiting. */
  async function startWaiting(text: string, input: unknown = {}): Promise<{ engine: Engine; runId: string }> {
    const workflow = await runner.workflow(text);
    const engine = await runner.engine([workflow]);
    const { id } = await engine.client.start(workflow, input);
    await until(async () => (await engine.client.get(id))?.status === 'waiting', `run ${id} waits`);
    return { engine, runId: id };
  }

  it('emit stores a CloudEvent in the event log and outputs it', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - announce:
      emit:
        event:
          with:
            source: https://orders.example.com
            type: com.example.order.placed.v1
            subject: \${ .id }
            data: { id: '\${ .id }', total: 5 }
`),
    );
    const engine = await runner.engine([workflow]);
    const out = await runner.outcome(engine, (await engine.client.start(workflow, { id: 'o-7' })).id);
    expect(out.output).toMatchObject({
      specversion: '1.0',
      source: 'https://orders.example.com',
      type: 'com.example.order.placed.v1',
      subject: 'o-7',
      data: { id: 'o-7', total: 5 },
    });
    const [stored] = await engine.client.events.list({ type: 'com.example.order.placed.v1' });
    expect(stored).toMatchObject({
      id: (out.output as { id: string }).id,
      source: 'https://orders.example.com',
      subject: 'o-7',
      data: { id: 'o-7', total: 5 },
    });
    expect(stored!.namespace).toBe('default');

    // A run of another namespace emits in its own namespace.
    const { id } = await engine.client.as({ id: 'team-a key', namespace: 'team-a' }).start(workflow, { id: 'o-8' });
    await runner.outcome(engine, id);
    const [inA] = await engine.client.as({ id: 'team-a key', namespace: 'team-a' }).events.list({ type: 'com.example.order.placed.v1' });
    expect(inA).toMatchObject({ namespace: 'team-a', subject: 'o-8' });
    expect(
      (await engine.client.as({ id: 'default key', namespace: 'default' }).events.list({ type: 'com.example.order.placed.v1' })).map((e) => e.subject),
    ).toEqual(['o-7']);
  });

  it('listen.to.one waits for a matching event (constant and expression filters) and reads its data', async () => {
    const { engine, runId } = await startWaiting(
      definition(`
do:
  - await:
      listen:
        to:
          one:
            with:
              type: com.example.paid
              source: https://billing.example
              data: { orderId: '\${ $workflow.input.orderId }', amount: '\${ . > 10 }' }
`),
      { orderId: 'o-1' },
    );
    // Passes Baton's match (type, source) but not the interpreter's checks: skipped, and the run waits again.
    await engine.client.events.emit('com.example.paid', { orderId: 'o-2', amount: 50 }, { source: 'https://billing.example' });
    await waitingAfter(engine, runId, 1);
    await engine.client.events.emit('com.example.paid', { orderId: 'o-1', amount: 5 }, { source: 'https://billing.example' });
    await waitingAfter(engine, runId, 2);
    // Fails Baton's match: never reaches the run.
    await engine.client.events.emit('com.example.paid', { orderId: 'o-1', amount: 50 }, { source: 'other' });
    await engine.client.events.emit('com.example.paid', { orderId: 'o-1', amount: 20 }, { source: 'https://billing.example' });
    const out = await runner.outcome(engine, runId);
    expect(out.output).toEqual([{ orderId: 'o-1', amount: 20 }]);
  });

  it('listen.to.all waits for every filter; read: envelope gives the CloudEvent', async () => {
    const { engine, runId } = await startWaiting(
      definition(`
do:
  - both:
      listen:
        to:
          all:
            - with: { type: com.example.a }
            - with: { type: com.example.b }
        read: envelope
`),
    );
    await engine.client.events.emit('com.example.b', { n: 2 }, { source: 'test' });
    await engine.client.events.emit('com.example.a', { n: 1 }, { source: 'test' });
    const out = await runner.outcome(engine, runId);
    expect(out.output).toMatchObject([
      { specversion: '1.0', type: 'com.example.a', source: 'test', data: { n: 1 } },
      { specversion: '1.0', type: 'com.example.b', source: 'test', data: { n: 2 } },
    ]);
  });

  it('listen.to.any takes the first matching event; foreach runs for each consumed event', async () => {
    const { engine, runId } = await startWaiting(
      definition(`
do:
  - first:
      listen:
        to:
          any:
            - with: { type: com.example.x }
            - with: { type: com.example.y }
      foreach:
        item: event
        do:
          - mark:
              set: { got: '\${ $event.n }', index: '\${ $index }' }
`),
    );
    await engine.client.events.emit('com.example.y', { n: 9 }, { source: 'test' });
    const out = await runner.outcome(engine, runId);
    expect(out.output).toEqual([{ got: 9, index: 0 }]);
  });

  it('listen.to.any with until consumes events until the condition holds', async () => {
    const { engine, runId } = await startWaiting(
      definition(`
do:
  - collect:
      listen:
        to:
          any:
            - with: { type: com.example.tick }
          until: '. | length >= 3'
`),
    );
    for (let n = 1; n <= 3; n++) {
      await waitingAfter(engine, runId, n - 1);
      await engine.client.events.emit('com.example.tick', { n }, { source: 'test' });
    }
    const out = await runner.outcome(engine, runId);
    expect(out.output).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('an event type Baton cannot store or wait for is a configuration error at the task', async () => {
    const emit = await runner.run(
      definition(`
do:
  - bad:
      emit:
        event:
          with: { source: https://test.example, type: 'not a type!' }
`),
    );
    expect(emit.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', instance: '/do/0/bad' });
    const listen = await runner.run(
      definition(`
do:
  - bad:
      listen:
        to:
          one:
            with: { type: '\${ .type }' }
`),
    );
    expect(listen.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', instance: '/do/0/bad' });
  });
});
