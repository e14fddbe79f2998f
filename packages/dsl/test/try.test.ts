/** try/catch: error filters, `as`, when/exceptWhen, catch.do, and retry policies with durable back-off. */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

const COMMUNICATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';

/** A try whose body raises a communication error with `status`, and the given catch. */
function tryRaising(status: number, catchBlock: string, extra = ''): string {
  return definition(`
${extra}
do:
  - attempt:
      try:
        - fail:
            raise:
              error: { type: ${COMMUNICATION}, status: ${status}, title: Unavailable, detail: '\${ "for " + .who }' }
      catch:
${catchBlock}
`);
}

describe('try/catch', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  it('catches a matching error, binds it under `as`, and runs catch.do on the try’s input', async () => {
    const out = await runner.run(
      tryRaising(
        503,
        `        errors: { with: { type: ${COMMUNICATION}, status: 503 } }
        as: problem
        do:
          - handle:
              set: { handled: '\${ $problem }', who: '\${ .who }' }`,
      ),
      { who: 'ada' },
    );
    expect(out.output).toEqual({
      handled: { type: COMMUNICATION, status: 503, title: 'Unavailable', detail: 'for ada', instance: '/do/0/attempt/try/0/fail' },
      who: 'ada',
    });
  });

  it('matches a standard type under its older spelling too', async () => {
    const out = await runner.run(
      tryRaising(
        404,
        `        errors: { with: { type: https://serverlessworkflow.io/dsl/errors/types/communication, status: 404 } }
        do:
          - handle:
              set: { caught: '\${ $error.status }' }`,
      ),
      { who: 'x' },
    );
    expect(out.output).toEqual({ caught: 404 });
  });

  it('lets errors that fail the filter, when or exceptWhen through', async () => {
    const filtered = await runner.run(tryRaising(500, `        errors: { with: { status: 503 } }`), { who: 'x' });
    expect(filtered.fault).toMatchObject({ status: 500, instance: '/do/0/attempt/try/0/fail' });
    const when = await runner.run(tryRaising(500, `        when: '$error.status == 503'`), { who: 'x' });
    expect(when.fault).toMatchObject({ status: 500 });
    const exceptWhen = await runner.run(tryRaising(500, `        exceptWhen: '.status >= 500'`), { who: 'x' });
    expect(exceptWhen.fault).toMatchObject({ status: 500 });
    const caught = await runner.run(tryRaising(500, `        when: '.status >= 500'`), { who: 'x' });
    expect(caught.output).toEqual({ who: 'x' });
  });

  it('retries with back-off until the attempt limit, each attempt’s steps qualified, then faults', async () => {
    const out = await runner.run(
      tryRaising(
        503,
        `        retry:
          delay: { milliseconds: 10 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 2 } }`,
      ),
      { who: 'x' },
    );
    expect(out.fault).toMatchObject({ status: 503 });
    expect(out.steps).toEqual([
      '/do/0/attempt/try/0/fail',
      '/do/0/attempt catch',
      '/do/0/attempt/try/0/fail #2',
      '/do/0/attempt #2 catch',
      '/do/0/attempt/try/0/fail #3',
      '/do/0/attempt #3 catch',
    ]);
  });

  it('retries until an attempt succeeds, with a policy named in use.retries', async () => {
    const out = await runner.run(
      definition(`
use:
  retries:
    quick: { delay: PT0.01S, backoff: { linear: {} }, jitter: { from: PT0S, to: PT0.01S }, limit: { attempt: { count: 5 }, duration: PT1M } }
do:
  - attempt:
      try:
        - count:
            set: { n: '\${ .n + 1 }' }
            export: { as: '{ n: (($context.n // 0) + 1) }' }
        - check:
            if: '$context.n < 3'
            raise: { error: { type: ${COMMUNICATION}, status: 503 } }
      catch:
        retry: quick
  - done:
      set: { attempts: '\${ $context.n }' }
`),
      { n: 0 },
    );
    // Each attempt starts again from the try's input; $context carries the count across attempts.
    expect(out.status).toBe('completed');
    expect(out.output).toEqual({ attempts: 3 });
    expect(out.steps.filter((s) => s.startsWith('/do/0/attempt/try/0/count'))).toEqual([
      '/do/0/attempt/try/0/count',
      '/do/0/attempt/try/0/count #2',
      '/do/0/attempt/try/0/count #3',
    ]);
  });

  it('runs catch.do once the retries are spent', async () => {
    const out = await runner.run(
      tryRaising(
        503,
        `        retry: { delay: PT0S, limit: { attempt: { count: 1 } } }
        do:
          - fallback:
              set: { fallback: true }`,
      ),
      { who: 'x' },
    );
    expect(out.output).toEqual({ fallback: true });
  });
});
