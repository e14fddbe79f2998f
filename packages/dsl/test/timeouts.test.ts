/** wait (durable, ISO 8601 and duration objects) and timeouts on tasks and on the workflow (timeout error 408). */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

const TIMEOUT = 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout';

describe('wait and timeouts', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  it('wait sleeps durably for ISO 8601 durations and duration objects; its output is its input', async () => {
    const started = Date.now();
    const out = await runner.run(
      definition(`
do:
  - iso:
      wait: PT0.2S
  - object:
      wait: { milliseconds: 200 }
`),
      { kept: true },
    );
    expect(out.output).toEqual({ kept: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('a task that outlives its timeout faults with a timeout error at the task', async () => {
    const out = await runner.run(
      definition(`
do:
  - slow:
      timeout: { after: { milliseconds: 100 } }
      do:
        - nap:
            wait: PT1H
`),
    );
    expect(out.fault).toMatchObject({ type: TIMEOUT, status: 408, instance: '/do/0/slow' });
  });

  it('a named timeout from use.timeouts, and the workflow timeout, fault the same way', async () => {
    const named = await runner.run(
      definition(`
use:
  timeouts:
    short: { after: PT0.1S }
do:
  - slow:
      timeout: short
      wait: PT1H
`),
    );
    expect(named.fault).toMatchObject({ type: TIMEOUT, status: 408, instance: '/do/0/slow' });
    const workflow = await runner.run(
      definition(`
timeout: { after: PT0.1S }
do:
  - slow:
      wait: PT1H
`),
    );
    expect(workflow.fault).toMatchObject({ type: TIMEOUT, status: 408, instance: '/' });
  });

  it('a task that ends within its timeout goes on', async () => {
    const out = await runner.run(
      definition(`
do:
  - quick:
      timeout: { after: PT1M }
      set: { done: true }
`),
    );
    expect(out.output).toEqual({ done: true });
  });

  it('a bad duration is a configuration error', async () => {
    const out = await runner.run(
      definition(`
do:
  - odd:
      wait: P1M
`),
    );
    expect(out.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', instance: '/do/0/odd' });
  });
});
